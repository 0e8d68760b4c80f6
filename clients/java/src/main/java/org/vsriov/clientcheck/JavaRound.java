package org.vsriov.clientcheck;

import java.io.File;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.vsriov.client.ApiClient;
import org.vsriov.client.ApiException;
import org.vsriov.client.ApiResponse;
import org.vsriov.client.api.PfApi;
import org.vsriov.client.api.VfApi;
import org.vsriov.client.model.BlockData;
import org.vsriov.client.model.BlockSourceRequest;
import org.vsriov.client.model.BlockView;
import org.vsriov.client.model.InvalidationDelivery;
import org.vsriov.client.model.InvalidationRequest;
import org.vsriov.client.model.OidCompletion;
import org.vsriov.client.model.OidRequestView;
import org.vsriov.client.model.OidRequests;
import org.vsriov.client.model.PendingView;
import org.vsriov.client.model.Problem;

/**
 * One round of API.md's contract through the Java client that openapi-generator (okhttp-gson)
 * makes from the live document: only the generated API classes, models and ApiClient's own
 * configuration (base path), no HTTP of its own. Prints one line per step and ends with
 * "N passed, N failed"; exits 1 on any failure.
 *
 * <p>Block writes go as the document's first request type, JSON ({@code BlockData}, hex or base64),
 * which carries every byte value; the generator types a body from that type only
 * (docs/decisions/0006-generated-clients.md). A raw read is the generated call sent by an ApiClient
 * configured to ask for {@code application/octet-stream}. Everything is plain typed code against the
 * contract's shapes; if the document gives other shapes, this file does not compile, and the
 * compiler's message is the evidence.
 *
 * <p>Usage: {@code java -cp ... org.vsriov.clientcheck.JavaRound http://127.0.0.1:PORT}
 */
public final class JavaRound {

    private static final String CURSOR_HEADER = "Vsriov-Cursor";
    /** Prism 5.14.2's proxy re-encodes every body as UTF-8 text (0xff becomes ef bf bd, both ways;
     *  stoplightio/prism issue 2349), so a raw answer of bytes that are not text comes straight from the server. */
    private static final String DIRECT = " [direct, not through Prism]";

    /** Through the validating proxy: every step but the two raw-byte transfers. */
    private final PfApi pf;
    private final VfApi vf;
    private final ApiClient client;
    /** Straight to the server, asking for raw bytes: for the read of bytes that are not UTF-8 text (a4). */
    private final VfApi vfRaw;
    private final ApiClient clientRaw;
    private final int vfId;
    private final int spareVfId;
    private int passed;
    private int failed;

    private JavaRound(String basePath, String directBasePath, int vfId, int spareVfId) {
        client = new ApiClient();
        client.setBasePath(basePath);
        pf = new PfApi(client);
        vf = new VfApi(client);
        clientRaw = new ApiClient();
        clientRaw.setBasePath(directBasePath);
        // okhttp-gson's documented way to change its requests: the OkHttp client it sends them with.
        clientRaw.setHttpClient(clientRaw.getHttpClient().newBuilder()
                .addInterceptor((chain) -> chain.proceed(chain.request().newBuilder()
                        .header("Accept", "application/octet-stream").build()))
                .build());
        vfRaw = new VfApi(clientRaw);
        this.vfId = vfId;
        this.spareVfId = spareVfId;
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: JavaRound BASE_URL DIRECT_BASE_URL VF_ID SPARE_VF_ID");
            System.err.println("  BASE_URL: the validating proxy; DIRECT_BASE_URL: the server itself;");
            System.err.println("  VF_ID: an allocated VF the round writes, invalidates and resets; SPARE_VF_ID: one it frees");
            System.exit(2);
        }
        JavaRound round = new JavaRound(args[0], args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        round.run();
        System.out.println(round.passed + " passed, " + round.failed + " failed");
        System.exit(round.failed == 0 ? 0 : 1);
    }

    @FunctionalInterface
    private interface Step {
        /** Returns what was seen, for the PASS line; throws on any difference. */
        String run() throws Exception;
    }

    private void step(String name, Step step) {
        try {
            String seen = step.run();
            passed++;
            System.out.println("PASS " + name + (seen == null || seen.isEmpty() ? "" : ": " + seen));
        } catch (ApiException e) {
            failed++;
            System.out.println("FAIL " + name + ": HTTP " + e.getCode() + " "
                    + oneLine(e.getResponseBody()) + (e.getCode() == 0 ? " (" + e.getMessage() + ")" : ""));
        } catch (Throwable t) {
            failed++;
            String detail = t instanceof ApiException api
                    ? "HTTP " + api.getCode() + " " + oneLine(api.getResponseBody())
                    : t.getClass().getSimpleName() + ": " + oneLine(t.getMessage());
            System.out.println("FAIL " + name + ": " + detail);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void equal(Object expected, Object actual, String what) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static void checkDataThenZeros(String dataHex, String blockHex) {
        check(blockHex != null && blockHex.startsWith(dataHex), "first bytes: expected " + dataHex + ", got " + blockHex);
        check(blockHex.substring(dataHex.length()).matches("0*"), "not zeros after the data: " + blockHex);
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private void run() {
        // Bytes 0x00 and 0xff among them, at the start, the end and inside.
        final byte[] raw = {0x00, (byte) 0xff, 0x01, 0x00, (byte) 0x80, 0x7f, (byte) 0xfe, (byte) 0xff, 0x00};
        final String rawHex = HexFormat.of().formatHex(raw);
        final int rawBlock = 5;
        final int jsonBlock = 6;
        final String[] cursor = new String[1];

        step("a1 PF writes " + raw.length + " bytes (0x00 and 0xff among them) to VF " + vfId + " block 5 as JSON base64", () -> {
            BlockView written = pf.pfWriteBlock(vfId, rawBlock, new BlockData().base64(Base64.getEncoder().encodeToString(raw)),
                    null, null);
            // The answer is the whole block: the data, then zeros.
            checkDataThenZeros(rawHex, written.getHex());
            equal("PF", String.valueOf(written.getUpdatedBy()), "updatedBy");
            return "length " + written.getLength() + ", hex " + rawHex + " then zeros, version " + written.getVersion();
        });

        step("a2 VF reads block 5 back as JSON (length=" + raw.length + "): hex and base64 give the same bytes", () -> {
            BlockView read = vf.vfReadBlock(vfId, rawBlock, raw.length);
            equal(raw.length, read.getLength(), "length");
            equal(rawHex, read.getHex(), "hex");
            check(Arrays.equals(raw, Base64.getDecoder().decode(read.getBase64())),
                    "base64 " + read.getBase64() + " decodes to other bytes");
            return "hex " + read.getHex() + ", base64 " + read.getBase64();
        });

        step("a3 VF reads all of block 5 as JSON: the data, then zeros", () -> {
            BlockView read = vf.vfReadBlock(vfId, rawBlock, null);
            byte[] all = HexFormat.of().parseHex(read.getHex());
            check(all.length == read.getLength() && all.length > raw.length, "length " + read.getLength());
            check(Arrays.equals(raw, Arrays.copyOf(all, raw.length)), "first bytes " + read.getHex());
            for (int i = raw.length; i < all.length; i++) {
                check(all[i] == 0, "byte " + i + " is not zero: " + read.getHex());
            }
            return "length " + read.getLength();
        });

        step("a4 VF reads block 5 as application/octet-stream: the same bytes, raw" + DIRECT, () -> {
            // The generated call asks for JSON (the first type of the 200); the raw client is an
            // ApiClient whose OkHttp client asks for raw bytes, and ApiClient.execute reads the
            // answer into a File, as the generated client does for every binary answer.
            okhttp3.Call call = vfRaw.vfReadBlockCall(vfId, rawBlock, raw.length, null);
            ApiResponse<File> response = clientRaw.execute(call, File.class);
            equal(200, response.getStatusCode(), "status");
            String type = header(response.getHeaders(), "Content-Type");
            check(type != null && type.startsWith("application/octet-stream"), "Content-Type " + type);
            byte[] got = Files.readAllBytes(response.getData().toPath());
            equal(rawHex, HexFormat.of().formatHex(got), "bytes");
            return got.length + " bytes " + HexFormat.of().formatHex(got) + ", Content-Type " + type;
        });

        step("b  VF writes JSON {\"hex\": \"0100ff\"} to VF " + vfId + " block 6; the PF reads it", () -> {
            BlockView written = vf.vfWriteBlock(vfId, jsonBlock, new BlockData().hex("0100ff"), null, null);
            checkDataThenZeros("0100ff", written.getHex());
            equal("VF", String.valueOf(written.getUpdatedBy()), "updatedBy");
            BlockView read = pf.pfReadBlock(vfId, jsonBlock, 3);
            equal("0100ff", read.getHex(), "PF's read, hex");
            equal("AQD/", read.getBase64(), "PF's read, base64");
            return "written and read back: hex " + read.getHex() + ", base64 " + read.getBase64();
        });

        step("c  PF invalidates block 63 of VF " + vfId + " with blockMask \"0x8000000000000000\"", () -> {
            InvalidationRequest request = new InvalidationRequest().blockMask("0x8000000000000000");
            ApiResponse<PendingView> response = pf.invalidateWithHttpInfo(vfId, request);
            equal(202, response.getStatusCode(), "status");
            PendingView pending = response.getData();
            equal("0x8000000000000000", pending.getPendingMask(), "pendingMask");
            equal(List.of(63), pending.getBlocks(), "blocks");
            return "202, pendingMask " + pending.getPendingMask() + ", blocks " + pending.getBlocks();
        });

        step("d  VF polls with timeout=0 and no cursor: 200, block 63, and a cursor", () -> {
            ApiResponse<InvalidationDelivery> response = vf.pollInvalidationsWithHttpInfo(vfId, null, "0");
            equal(200, response.getStatusCode(), "status");
            InvalidationDelivery delivery = response.getData();
            equal("0x8000000000000000", delivery.getBlockMask(), "blockMask");
            equal(List.of(63), delivery.getBlocks(), "blocks");
            equal(vfId, delivery.getVfId(), "vfId");
            equal("OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK", delivery.getOid(), "oid");
            String fromHeader = header(response.getHeaders(), CURSOR_HEADER);
            check(delivery.getCursor() != null && !delivery.getCursor().isEmpty(), "no cursor in the body");
            equal(delivery.getCursor(), fromHeader, CURSOR_HEADER + " header");
            cursor[0] = delivery.getCursor();
            return "blockMask " + delivery.getBlockMask() + ", blocks " + delivery.getBlocks() + ", cursor " + cursor[0];
        });

        step("e  VF polls after that cursor with timeout=1s: 204, the unchanged cursor in Vsriov-Cursor", () -> {
            check(cursor[0] != null, "no cursor from step d");
            ApiResponse<InvalidationDelivery> response = vf.pollInvalidationsWithHttpInfo(vfId, cursor[0], "1s");
            equal(204, response.getStatusCode(), "status");
            check(response.getData() == null, "a body on a 204: " + response.getData());
            equal(cursor[0], header(response.getHeaders(), CURSOR_HEADER), CURSOR_HEADER + " header");
            return "204, " + CURSOR_HEADER + " " + cursor[0];
        });

        step("f1 PF resets VF " + vfId + ": 204", () -> {
            ApiResponse<Void> response = pf.resetWithHttpInfo(vfId);
            equal(204, response.getStatusCode(), "status");
            return "204";
        });

        step("f2 PF frees VF " + spareVfId + ": 204", () -> {
            ApiResponse<Void> response = pf.freeWithHttpInfo(spareVfId);
            equal(204, response.getStatusCode(), "status");
            return "204";
        });

        step("g  VF polls VF " + vfId + " with the cursor from before the reset: 410 stale-cursor, as the Problem model", () -> {
            check(cursor[0] != null, "no cursor from step d");
            try {
                ApiResponse<InvalidationDelivery> response = vf.pollInvalidationsWithHttpInfo(vfId, cursor[0], "0");
                throw new AssertionError("expected 410, got " + response.getStatusCode() + " " + response.getData());
            } catch (ApiException e) {
                equal(410, e.getCode(), "status");
                String type = header(e.getResponseHeaders(), "Content-Type");
                check(type != null && type.startsWith("application/problem+json"), "Content-Type " + type);
                Problem problem = Problem.fromJson(e.getResponseBody());
                check(problem.getType() != null && problem.getType().toString().endsWith("/stale-cursor"),
                        "type " + problem.getType());
                equal("Stale cursor", problem.getTitle(), "title");
                equal(410, problem.getStatus(), "status member");
                check(problem.getDetail() != null && !problem.getDetail().isBlank(), "no detail");
                equal(vfId, problem.getVfId(), "vfId member");
                return "type " + problem.getType() + ", title " + problem.getTitle() + ", status " + problem.getStatus()
                        + ", vfId " + problem.getVfId() + ", detail \"" + problem.getDetail() + "\"";
            }
        });

        step("h  VF " + vfId + " in block source pf: its read waits while the PF takes the OID request and completes it", () -> {
            pf.setBlockSource(vfId, new BlockSourceRequest().blockSource(BlockSourceRequest.BlockSourceEnum.PF));
            // The VF's read blocks until the PF answers: on a thread of its own, with a client of its own.
            ApiClient vfClient = new ApiClient();
            vfClient.setBasePath(client.getBasePath());
            VfApi waitingVf = new VfApi(vfClient);
            CompletableFuture<BlockView> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return waitingVf.vfReadBlock(vfId, 9, 4);
                } catch (ApiException e) {
                    throw new IllegalStateException("HTTP " + e.getCode() + " " + oneLine(e.getResponseBody()), e);
                }
            });
            ApiResponse<OidRequests> taken = pf.pollOidRequestsWithHttpInfo(null, "10s");
            equal(200, taken.getStatusCode(), "status of the PF's poll");
            OidRequestView request = taken.getData().getRequests().get(0);
            equal("OID_SRIOV_READ_VF_CONFIG_BLOCK", String.valueOf(request.getOid()), "oid");
            equal(vfId, request.getVfId(), "vfId");
            equal(9, request.getBlockId(), "blockId");
            equal(4, request.getLength(), "length");
            pf.completeOidRequest(request.getRequestId(),
                    new OidCompletion().status(OidCompletion.StatusEnum.NDIS_STATUS_SUCCESS).hex("00ff10"));
            BlockView answered = read.get(10, TimeUnit.SECONDS);
            equal("00ff10", answered.getHex(), "the VF's read, hex");
            equal(3, answered.getLength(), "the VF's read, length (a short read)");
            check(answered.getVersion() == null, "a version on a PF-answered read: " + answered.getVersion());
            pf.setBlockSource(vfId, new BlockSourceRequest().blockSource(BlockSourceRequest.BlockSourceEnum.STORE));
            return "request " + request.getRequestId() + " " + request.getOid() + " (" + request.getCode() + "), the VF read "
                    + answered.getHex();
        });
    }
}
