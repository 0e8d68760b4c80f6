package org.vsriov.clientcheck;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.vsriov.client.ApiClient;
import org.vsriov.client.ApiException;
import org.vsriov.client.ApiResponse;
import org.vsriov.client.api.PfApi;
import org.vsriov.client.api.VfApi;
import org.vsriov.client.model.BlockData;
import org.vsriov.client.model.BlockView;
import org.vsriov.client.model.InvalidationDelivery;
import org.vsriov.client.model.InvalidationRequest;
import org.vsriov.client.model.PendingView;
import org.vsriov.client.model.Problem;

/**
 * One round of API.md's contract through the Java client that openapi-generator (okhttp-gson)
 * makes from the live document: only the generated API classes, models and ApiClient's own
 * configuration (base path), no HTTP of its own. Prints one line per step and ends with
 * "N passed, N failed"; exits 1 on any failure.
 *
 * <p>Two steps depend on what the document lets the generator produce rather than on a fixed
 * signature, and so look the generated method up by reflection, failing with the reason when
 * it is not there: a JSON ({@code BlockData}) body for a block write, and a read that asks for
 * {@code application/octet-stream}. Everything else is plain typed code against the contract's
 * shapes; if the document gives other shapes, this file does not compile, and the compiler's
 * message is the evidence.
 *
 * <p>Usage: {@code java -cp ... org.vsriov.clientcheck.JavaRound http://127.0.0.1:PORT}
 */
public final class JavaRound {

    private static final String CURSOR_HEADER = "Vsriov-Cursor";
    /** Prism 5.14.2's proxy re-encodes every body as UTF-8 text (0xff becomes ef bf bd, both ways;
     *  stoplightio/prism issue 2349), so bytes that are not text go straight to the server. */
    private static final String DIRECT = " [direct, not through Prism]";

    /** Through the validating proxy: every step but the two raw-byte transfers. */
    private final PfApi pf;
    private final VfApi vf;
    private final ApiClient client;
    /** Straight to the server, for the transfers of bytes that are not UTF-8 text (see a1). */
    private final PfApi pfDirect;
    private final VfApi vfDirect;
    private final ApiClient clientDirect;
    private final int vfId;
    private final int spareVfId;
    private int passed;
    private int failed;

    private JavaRound(String basePath, String directBasePath, int vfId, int spareVfId) {
        client = new ApiClient();
        client.setBasePath(basePath);
        pf = new PfApi(client);
        vf = new VfApi(client);
        clientDirect = new ApiClient();
        clientDirect.setBasePath(directBasePath);
        pfDirect = new PfApi(clientDirect);
        vfDirect = new VfApi(clientDirect);
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
        } catch (Throwable e) {
            Throwable t = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
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

        step("a1 PF writes " + raw.length + " raw bytes (application/octet-stream) to VF " + vfId + " block 5" + DIRECT, () -> {
            File file = File.createTempFile("vsriov-block", ".bin");
            file.deleteOnExit();
            Files.write(file.toPath(), raw);
            BlockView written = pfDirect.pfWriteBlock(vfId, rawBlock, file, null, null);
            // The answer is the whole block: the data, then zeros.
            checkDataThenZeros(rawHex, written.getHex());
            equal("PF", String.valueOf(written.getUpdatedBy()), "updatedBy");
            return "length " + written.getLength() + ", hex " + written.getHex() + ", version " + written.getVersion();
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
            // The generated read sends "Accept: application/json" unless the operation lets the
            // caller name another type; look for such a vfReadBlockCall(vfId, blockId, length, accept, callback).
            Method call = findMethod(VfApi.class, "vfReadBlockCall", Integer.class, Integer.class, Integer.class,
                    String.class, org.vsriov.client.ApiCallback.class);
            if (call == null) {
                throw new AssertionError("the generated VfApi has no way to ask for application/octet-stream:"
                        + " vfReadBlock always sends Accept: application/json (ApiClient.selectHeaderAccept picks"
                        + " the JSON type of the 200's content), and okhttp-gson has no per-call header");
            }
            okhttp3.Call httpCall = (okhttp3.Call) call.invoke(vfDirect, vfId, rawBlock, raw.length,
                    "application/octet-stream", null);
            ApiResponse<File> response = clientDirect.execute(httpCall, File.class);
            equal(200, response.getStatusCode(), "status");
            String type = header(response.getHeaders(), "Content-Type");
            check(type != null && type.startsWith("application/octet-stream"), "Content-Type " + type);
            byte[] got = Files.readAllBytes(response.getData().toPath());
            equal(rawHex, HexFormat.of().formatHex(got), "bytes");
            return got.length + " bytes " + HexFormat.of().formatHex(got) + ", Content-Type " + type;
        });

        // The same two transfers through the validating proxy, with bytes that are UTF-8 text, so
        // that the proxy checks both octet-stream exchanges against the document too.
        final byte[] text = {0x01, 0x41, 0x7f, 0x20};
        final String textHex = HexFormat.of().formatHex(text);
        step("a5 through the proxy: PF writes 4 raw bytes of ASCII to block 7, VF reads them as octet-stream", () -> {
            File file = File.createTempFile("vsriov-block", ".bin");
            file.deleteOnExit();
            Files.write(file.toPath(), text);
            BlockView written = pf.pfWriteBlock(vfId, 7, file, null, null);
            checkDataThenZeros(textHex, written.getHex());
            Method call = findMethod(VfApi.class, "vfReadBlockCall", Integer.class, Integer.class, Integer.class,
                    String.class, org.vsriov.client.ApiCallback.class);
            if (call == null) {
                throw new AssertionError("written; the generated VfApi has no way to ask for application/octet-stream (see a4)");
            }
            okhttp3.Call httpCall = (okhttp3.Call) call.invoke(vf, vfId, 7, text.length, "application/octet-stream", null);
            ApiResponse<File> response = client.execute(httpCall, File.class);
            equal(200, response.getStatusCode(), "status");
            byte[] got = Files.readAllBytes(response.getData().toPath());
            equal(textHex, HexFormat.of().formatHex(got), "bytes");
            return "written, read back " + HexFormat.of().formatHex(got);
        });

        step("b  PF writes JSON {\"hex\": \"0100ff\"} to VF " + vfId + " block 6", () -> {
            // Only if the generator made a write that takes the BlockData model.
            Method write = findMethod(PfApi.class, "pfWriteBlock", Integer.class, Integer.class, BlockData.class,
                    String.class, String.class);
            if (write == null) {
                throw new AssertionError("the generated PfApi.pfWriteBlock takes no BlockData (JSON) body: "
                        + paramTypes(PfApi.class, "pfWriteBlock"));
            }
            BlockView written = (BlockView) write.invoke(pf, vfId, jsonBlock, new BlockData().hex("0100ff"), null, null);
            checkDataThenZeros("0100ff", written.getHex());
            BlockView read = vf.vfReadBlock(vfId, jsonBlock, 3);
            equal("0100ff", read.getHex(), "VF's read, hex");
            equal("AQD/", read.getBase64(), "VF's read, base64");
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
    }

    private static Method findMethod(Class<?> type, String name, Class<?>... params) {
        try {
            return type.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static List<String> paramTypes(Class<?> type, String name) {
        List<String> found = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                List<String> names = new ArrayList<>();
                for (Class<?> p : m.getParameterTypes()) {
                    names.add(p.getSimpleName());
                }
                found.add(name + "(" + String.join(", ", names) + ")");
            }
        }
        return found;
    }
}
