// One round of API.md's contract through the typescript-fetch client that openapi-generator makes
// from the live document: only the generated APIs, models and Configuration, and typescript-fetch's
// documented per-call RequestInit override (initOverrides) for the one header a typed call cannot
// choose (Accept: application/octet-stream on a block read). No fetch of its own. Block writes go as
// the document's first request type, JSON (hex or base64), which carries every byte value
// (docs/decisions/0006-generated-clients.md). Prints one line
// per step and ends with "N passed, N failed"; exits 1 on any failure.
//
// Usage: node target/clients/typescript/out/clients/typescript/round.js BASE_URL DIRECT_BASE_URL VF_ID SPARE_VF_ID
//   BASE_URL: the validating proxy; DIRECT_BASE_URL: the server itself; VF_ID: an allocated VF the round
//   writes, invalidates and resets; SPARE_VF_ID: one it frees.
import {
  AdminApi,
  Configuration,
  PFApi,
  VFApi,
  ResponseError,
  ProblemFromJSON,
  type BlockView,
  type InvalidationRequest,
  type InitOverrideFunction,
} from '../../target/clients/typescript/generated/index';

declare const process: { argv: string[]; exit(code: number): never };

const CURSOR_HEADER = 'Vsriov-Cursor';
// Prism 5.14.2's proxy re-encodes every body as UTF-8 text (0xff becomes ef bf bd, both ways;
// stoplightio/prism issue 2349), so bytes that are not text go straight to the server.
const DIRECT = ' [direct, not through Prism]';
let passed = 0;
let failed = 0;

async function step(name: string, body: () => Promise<string>): Promise<void> {
  try {
    const seen = await body();
    passed++;
    console.log(`PASS ${name}${seen ? ': ' + seen : ''}`);
  } catch (e) {
    failed++;
    let detail: string;
    if (e instanceof ResponseError) {
      detail = `HTTP ${e.response.status} ${(await e.response.text()).replace(/\s*\n\s*/g, ' ')}`;
    } else if (e instanceof Error) {
      detail = `${e.name}: ${e.message}`.replace(/\s*\n\s*/g, ' ');
      const cause = (e as { cause?: unknown }).cause;
      if (cause instanceof Error) detail += ` (${cause.message})`;
    } else {
      detail = String(e);
    }
    console.log(`FAIL ${name}: ${detail}`);
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

function equal<T>(expected: T, actual: T, what: string): void {
  const e = JSON.stringify(expected);
  const a = JSON.stringify(actual);
  if (e !== a) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function main(): Promise<void> {
  const [basePath, directBasePath, vfArg, spareArg] = process.argv.slice(2);
  if (!basePath || !directBasePath || !vfArg || !spareArg) {
    console.error('usage: round.js BASE_URL DIRECT_BASE_URL VF_ID SPARE_VF_ID');
    process.exit(2);
  }
  // Through the validating proxy: every step but the raw read of bytes that are not text.
  const pf = new PFApi(new Configuration({ basePath }));
  const vf = new VFApi(new Configuration({ basePath }));
  // The document says the admin API takes a bearer token (vsriov.admin.token), and Prism insists on
  // one; this server has none set, so it lets any request in, with or without the header.
  const admin = new AdminApi(new Configuration({ basePath, accessToken: 'no-token-set' }));
  // Straight to the server.
  const vfDirect = new VFApi(new Configuration({ basePath: directBasePath }));
  const vfId = Number(vfArg);
  const spareVfId = Number(spareArg);
  // The generated call asks for JSON; initOverrides (typescript-fetch's per-call RequestInit) names
  // the other representation the document gives for a block read's 200; ApiResponse.raw is the Response.
  const acceptOctets: InitOverrideFunction = async ({ init }) => ({
    headers: { ...(init.headers ?? {}), Accept: 'application/octet-stream' },
  });

  // Bytes 0x00 and 0xff among them, at the start, the end and inside.
  const raw = new Uint8Array([0x00, 0xff, 0x01, 0x00, 0x80, 0x7f, 0xfe, 0xff, 0x00]);
  const rawHex = hex(raw);
  const rawBlock = 5;
  const jsonBlock = 6;
  let cursor: string | undefined;

  await step(`a1 PF writes ${raw.length} bytes (0x00 and 0xff among them) to VF ${vfId} block 5 as JSON base64`, async () => {
    const written: BlockView = await pf.pfWriteBlock({ vfId, blockId: rawBlock, blockData: { base64: toBase64(raw) } });
    // The answer is the whole block: the data, then zeros.
    equal(rawHex, (written.hex ?? '').slice(0, rawHex.length), 'first bytes');
    check(/^0*$/.test((written.hex ?? '').slice(rawHex.length)), `not zeros after the data: ${written.hex}`);
    equal('PF', written.updatedBy, 'updatedBy');
    return `length ${written.length}, hex ${rawHex} then zeros, version ${written.version}`;
  });

  await step(`a2 VF reads block 5 back as JSON (length=${raw.length}): hex and base64 give the same bytes`, async () => {
    const read = await vf.vfReadBlock({ vfId, blockId: rawBlock, length: raw.length });
    equal(raw.length, read.length, 'length');
    equal(rawHex, read.hex, 'hex');
    equal(rawHex, hex(fromBase64(read.base64 ?? '')), 'base64, decoded');
    return `hex ${read.hex}, base64 ${read.base64}`;
  });

  await step('a3 VF reads all of block 5 as JSON: the data, then zeros', async () => {
    const read = await vf.vfReadBlock({ vfId, blockId: rawBlock });
    const all = read.hex ?? '';
    check(read.length !== undefined && all.length === 2 * read.length && read.length > raw.length, `length ${read.length}`);
    equal(rawHex, all.slice(0, rawHex.length), 'first bytes');
    check(/^0*$/.test(all.slice(rawHex.length)), `not zeros after the data: ${all}`);
    return `length ${read.length}`;
  });

  await step(`a4 VF reads block 5 as application/octet-stream: the same bytes, raw${DIRECT}`, async () => {
    const response = await vfDirect.vfReadBlockRaw({ vfId, blockId: rawBlock, length: raw.length }, acceptOctets);
    equal(200, response.raw.status, 'status');
    const type = response.raw.headers.get('Content-Type') ?? '';
    check(type.startsWith('application/octet-stream'), `Content-Type ${type}`);
    const got = new Uint8Array(await response.raw.arrayBuffer());
    equal(rawHex, hex(got), 'bytes');
    return `${got.length} bytes ${hex(got)}, Content-Type ${type}`;
  });

  await step(`b  VF writes JSON {"hex": "0100ff"} to VF ${vfId} block 6; the PF reads it`, async () => {
    const written = await vf.vfWriteBlock({ vfId, blockId: jsonBlock, blockData: { hex: '0100ff' } });
    equal('0100ff', (written.hex ?? '').slice(0, 6), 'first bytes');
    equal('VF', written.updatedBy, 'updatedBy');
    const read = await pf.pfReadBlock({ vfId, blockId: jsonBlock, length: 3 });
    equal('0100ff', read.hex, "PF's read, hex");
    equal('AQD/', read.base64, "PF's read, base64");
    return `written and read back: hex ${read.hex}, base64 ${read.base64}`;
  });

  await step(`c  PF invalidates block 63 of VF ${vfId} with blockMask "0x8000000000000000"`, async () => {
    const invalidationRequest: InvalidationRequest = { blockMask: '0x8000000000000000' };
    const response = await pf.invalidateRaw({ vfId, invalidationRequest });
    equal(202, response.raw.status, 'status');
    const pending = await response.value();
    equal('0x8000000000000000', pending.pendingMask, 'pendingMask');
    equal([63], pending.blocks, 'blocks');
    return `202, pendingMask ${pending.pendingMask}, blocks ${JSON.stringify(pending.blocks)}`;
  });

  await step('d  VF polls with timeout=0 and no cursor: 200, block 63, and a cursor', async () => {
    const response = await vf.pollInvalidationsRaw({ vfId, timeout: '0' });
    equal(200, response.raw.status, 'status');
    const delivery = await response.value();
    equal('0x8000000000000000', delivery.blockMask, 'blockMask');
    equal([63], delivery.blocks, 'blocks');
    equal(vfId, delivery.vfId, 'vfId');
    equal('OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK', delivery.oid, 'oid');
    check(!!delivery.cursor, 'no cursor in the body');
    equal(delivery.cursor, response.raw.headers.get(CURSOR_HEADER) ?? undefined, `${CURSOR_HEADER} header`);
    cursor = delivery.cursor;
    return `blockMask ${delivery.blockMask}, blocks ${JSON.stringify(delivery.blocks)}, cursor ${cursor}`;
  });

  await step('e  VF polls after that cursor with timeout=1s: 204, the unchanged cursor in Vsriov-Cursor', async () => {
    check(cursor !== undefined, 'no cursor from step d');
    const response = await vf.pollInvalidationsRaw({ vfId, after: cursor, timeout: '1s' });
    equal(204, response.raw.status, 'status');
    equal('', await response.raw.text(), 'body');
    equal(cursor, response.raw.headers.get(CURSOR_HEADER) ?? undefined, `${CURSOR_HEADER} header`);
    return `204, ${CURSOR_HEADER} ${cursor}`;
  });

  await step(`f1 PF resets VF ${vfId}: 204`, async () => {
    const response = await pf.resetRaw({ vfId });
    equal(204, response.raw.status, 'status');
    return '204';
  });

  await step(`f2 PF frees VF ${spareVfId}: 204`, async () => {
    const response = await pf.freeRaw({ vfId: spareVfId });
    equal(204, response.raw.status, 'status');
    return '204';
  });

  await step(`g  VF polls VF ${vfId} with the cursor from before the reset: 410 stale-cursor, as the Problem model`, async () => {
    check(cursor !== undefined, 'no cursor from step d');
    try {
      const response = await vf.pollInvalidationsRaw({ vfId, after: cursor, timeout: '0' });
      throw new Error(`expected 410, got ${response.raw.status}`);
    } catch (e) {
      if (!(e instanceof ResponseError)) throw e;
      equal(410, e.response.status, 'status');
      const type = e.response.headers.get('Content-Type') ?? '';
      check(type.startsWith('application/problem+json'), `Content-Type ${type}`);
      const problem = ProblemFromJSON(await e.response.json());
      check(String(problem.type ?? '').endsWith('/stale-cursor'), `type ${problem.type}`);
      equal('Stale cursor', problem.title, 'title');
      equal(410, problem.status, 'status member');
      check(!!problem.detail, 'no detail');
      equal(vfId, problem.vfId, 'vfId member');
      return `type ${problem.type}, title ${problem.title}, status ${problem.status}, vfId ${problem.vfId}, detail "${problem.detail}"`;
    }
  });

  await step(`h  VF ${vfId} in block source pf: its read waits while the PF takes the OID request and completes it`, async () => {
    await pf.setBlockSource({ vfId, blockSourceRequest: { blockSource: 'pf' } });
    // Not awaited yet: the VF's read waits until the PF answers.
    const read = vf.vfReadBlock({ vfId, blockId: 9, length: 4 });
    const taken = await pf.pollOidRequestsRaw({ timeout: '10s' });
    equal(200, taken.raw.status, 'status of the PF\'s poll');
    const request = (await taken.value()).requests![0];
    equal('OID_SRIOV_READ_VF_CONFIG_BLOCK', request.oid, 'oid');
    equal(vfId, request.vfId, 'vfId');
    equal(9, request.blockId, 'blockId');
    equal(4, request.length, 'length');
    await pf.completeOidRequest({ requestId: request.requestId!, oidCompletion: { status: 'NDIS_STATUS_SUCCESS', hex: '00ff10' } });
    const answered = await read;
    equal('00ff10', answered.hex, 'the VF\'s read, hex');
    equal(3, answered.length, 'the VF\'s read, length (a short read)');
    check(answered.version === null || answered.version === undefined, `a version on a PF-answered read: ${answered.version}`);
    await pf.setBlockSource({ vfId, blockSourceRequest: { blockSource: 'store' } });
    return `request ${request.requestId} ${request.oid} (${request.code}), the VF read ${answered.hex}`;
  });

  await step(`i  a fault fails VF ${vfId}'s read of block 7; the journal's await returns the failed read`, async () => {
    const rule = await admin.addFaultRaw({
      faultRequest: { on: 'vf-read', vfId, blockId: 7, action: 'fail', status: 'NDIS_STATUS_INVALID_LENGTH' },
    });
    equal(201, rule.raw.status, 'status of the new rule');
    const id = (await rule.value()).id!;
    // Not awaited yet: the await waits until the VF reads block 7.
    const awaited = admin.pollJournal({ vfId, op: 'read', blockId: 7, timeout: '10s' });
    try {
      await vf.vfReadBlock({ vfId, blockId: 7 });
      throw new Error('expected 502, got 200');
    } catch (e) {
      if (!(e instanceof ResponseError)) throw e;
      equal(502, e.response.status, 'status of the failed read');
      // An extension member of the problem, which the Problem model does not name.
      const problem = (await e.response.json()) as { type?: string; ndisStatus?: string };
      check(String(problem.type).endsWith('/pf-failed'), `type ${problem.type}`);
      equal('NDIS_STATUS_INVALID_LENGTH', problem.ndisStatus, 'ndisStatus');
    }
    const events = (await awaited)!.events!;
    equal(1, events.length, 'events awaited');
    equal('NDIS_STATUS_INVALID_LENGTH', events[0].status, 'the read\'s status in the journal');
    const listed = (await admin.listFaults()).faults!.find((f) => f.id === id)!;
    equal(1, listed.fired, 'fired');
    equal(0, listed.remaining, 'remaining');
    await admin.deleteFault({ faultId: id });
    return `rule ${id} fired once; the await returned event ${events[0].seq} (${events[0].op} of block ${events[0].blockId}, ${events[0].status})`;
  });

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
