// Reads the JSON that `httpyac send --json` wrote for one .http file, prints one line per
// request (with the failed checks and the response of a failed request) and exits non-zero
// unless every request ran and passed at least one check. Used by .ci/examples.
//
//   node examples-report.mjs <httpyac.json> <label>
import { readFileSync } from 'node:fs';

const [file, label] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const requests = report.requests ?? [];
let passed = 0;
let failed = 0;

for (const request of requests) {
  const tests = request.testResults ?? [];
  const bad = tests.filter((test) => test.status !== 'SUCCESS');
  // A request without a check proves nothing: it counts as failed.
  const ok = tests.length > 0 && bad.length === 0;
  const status = request.response?.statusCode ?? '---';
  const name = request.name ?? `line ${request.line}`;
  console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${String(status).padEnd(4)}${name.padEnd(26)}${request.title ?? ''}`);
  if (ok) {
    passed++;
    continue;
  }
  failed++;
  if (tests.length === 0) {
    console.log('        no check ran: give the request a "> {% client.test(...) %}" block');
  }
  for (const test of bad) {
    console.log(`        ${test.message}: ${test.error?.message ?? test.status}`);
  }
  if (request.response) {
    const body = String(request.response.body ?? '').slice(0, 600);
    console.log(`        response: ${request.response.statusCode} ${body}`);
  }
}

if (requests.length === 0) {
  console.log(`  FAIL  ${label}: no request ran`);
  failed++;
}
console.log(`  ${label}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
