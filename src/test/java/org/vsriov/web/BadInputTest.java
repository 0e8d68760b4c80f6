package org.vsriov.web;

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.Cursor;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every kind of bad input gets its problem+json answer, and changes nothing: the adapter, VF 0 and
 * its block 5 read the same before and after. On a real server: the long polls are served below
 * Spring MVC, and Jetty sees every request before it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class BadInputTest {

	private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

	private static final String RAW = MediaType.APPLICATION_OCTET_STREAM_VALUE;

	private static final String BLOCK = "/api/v1/vfs/0/config-blocks/5";

	private static final String INVALIDATE = "/api/v1/pf/vfs/0/invalidations";

	private static final String POLL = "/api/v1/vfs/0/invalidations";

	private static final String VFS = "/api/v1/pf/vfs";

	private static final String WRITES = "/api/v1/pf/vfs/0/block-writes";

	@Autowired
	private RestTestClient client;

	@Autowired
	private VirtualAdapter adapter;

	@BeforeEach
	void someState() {
		if (this.adapter.read(0, 5, Role.PF).version() == 0) {
			this.adapter.write(0, 5, new byte[] { 1, 2 }, Role.PF, (v) -> true);
			this.adapter.invalidate(0, BlockMask.parse("0x1"));
		}
	}

	static Stream<Arguments> badInputs() {
		return Stream.of(
				// ids
				bad("GET", "/api/v1/pf/vfs/abc", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/64", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/-1", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/99999999999", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/9", null, null, 404, "vf-not-found"),
				// only ASCII decimal digits name a VF or block: not other scripts' digits, hex, signs or exponents
				bad("GET", "/api/v1/pf/vfs/\u0663", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/\uff11", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/0x1", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/+1", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/1e0", null, null, 400, "invalid-vf-id"),
				bad("DELETE", "/api/v1/pf/vfs/\u0661", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/vfs/0/config-blocks/\u0665", null, null, 400, "invalid-block-id"),
				bad("GET", BLOCK + "?length=\u0664", null, null, 400, "invalid-length"),
				bad("POST", "/api/v1/pf/vfs/9/invalidations", JSON, "{\"blockMask\": \"0x1\"}", 404, "vf-not-found"),
				bad("GET", "/api/v1/vfs/9/invalidations?timeout=0", null, null, 404, "vf-not-found"),
				bad("GET", "/api/v1/vfs/0/config-blocks/x", null, null, 400, "invalid-block-id"),
				bad("GET", "/api/v1/vfs/0/config-blocks/-1", null, null, 400, "invalid-block-id"),
				bad("GET", "/api/v1/vfs/0/config-blocks/64", null, null, 404, "block-not-found"),
				bad("PUT", "/api/v1/pf/vfs/0/config-blocks/4096", RAW, "A", 404, "block-not-found"),
				// block data
				bad("PUT", BLOCK, RAW, "", 400, "invalid-block-data"),
				bad("PUT", BLOCK, RAW, "x".repeat(129), 413, "block-data-too-large"),
				bad("PUT", BLOCK, JSON, "{\"hex\": \"" + "00".repeat(129) + "\"}", 413, "block-data-too-large"),
				bad("PUT", BLOCK, JSON, "{\"hex\": \"\"}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "{\"hex\": \"0g\"}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "{\"hex\": \"012\"}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "{\"base64\": \"**==\"}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "{\"base64\": \"AQL\"}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "[]", 400, "malformed-request"),
				bad("PUT", BLOCK, JSON, "{\"hex\": \"01\", \"base64\": \"AQ==\"}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "{}", 400, "invalid-block-data"),
				bad("PUT", BLOCK, JSON, "{\"hex\": 1234}", 400, "malformed-request"),
				bad("PUT", BLOCK, JSON, "{\"base64\": true}", 400, "malformed-request"),
				bad("PUT", BLOCK, JSON, "{\"hex\": \"01\", \"offset\": 2}", 400, "malformed-request"),
				bad("PUT", BLOCK, JSON, "{\"hex\": ", 400, "malformed-request"),
				bad("PUT", BLOCK, "text/plain", "01", 415, "unsupported-media-type"),
				bad("PUT", BLOCK, RAW, "x".repeat(20_000), 413, "body-too-large"),
				bad("GET", BLOCK + "?length=0", null, null, 400, "invalid-length"),
				bad("GET", BLOCK + "?length=129", null, null, 400, "invalid-length"),
				bad("GET", BLOCK + "?length=two", null, null, 400, "invalid-length"),
				// masks
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"0x0\"}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": 0}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"0x10000000000000000\"}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": 18446744073709551616}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"18446744073709551616\"}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": -1}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": 1.5}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": 1e3}", 400, "invalid-block-mask"),
				// above 2^53-1 a JSON number is not exact in JavaScript: 2^63 arrives as 9223372036854776000
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": 9007199254740992}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": 9223372036854776000}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blocks\": [1e0]}", 400, "invalid-block-mask"),
				bad("POST", VFS, JSON, "{\"vfId\": 1e0}", 400, "invalid-vf-id"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": true}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"0x1g\"}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"0x1\", \"blocks\": [1]}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blocks\": []}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blocks\": [64]}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blocks\": [1, 1]}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blocks\": [\"1\"]}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blocks\": [1.5]}", 400, "invalid-block-mask"),
				bad("POST", "/api/v1/pf/invalidations", JSON, "{\"blockMask\": \"0\"}", 400, "invalid-block-mask"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"0x1\", \"vfId\": 1}", 400, "malformed-request"),
				bad("POST", INVALIDATE, JSON, "", 400, "malformed-request"),
				bad("POST", INVALIDATE, JSON, "{\"blockMask\": \"0x1\", \"blockMask\": \"0x2\"}", 400,
						"malformed-request"),
				bad("POST", INVALIDATE, "text/plain", "0x1", 415, "unsupported-media-type"),
				bad("DELETE", INVALIDATE, null, null, 405, "method-not-allowed"),
				// long poll
				bad("GET", POLL + "?timeout=abc", null, null, 400, "invalid-timeout"),
				bad("GET", POLL + "?timeout=-1", null, null, 400, "invalid-timeout"),
				bad("GET", POLL + "?timeout=10m", null, null, 400, "invalid-timeout"),
				bad("GET", POLL + "?timeout=0&after=not-a-cursor", null, null, 400, "invalid-cursor"),
				bad("GET", "/api/v1/nothing-here", null, null, 404, "not-found"),
				// lifecycle
				bad("POST", VFS, JSON, "{\"vfId\": 0}", 409, "vf-allocated"),
				bad("POST", VFS, JSON, "{\"vfId\": 64}", 400, "invalid-vf-id"),
				bad("POST", VFS, JSON, "{\"vfId\": -1}", 400, "invalid-vf-id"),
				bad("POST", VFS, JSON, "{\"vfId\": \"5\"}", 400, "invalid-vf-id"),
				bad("POST", VFS, JSON, "{\"vfId\": 5.5}", 400, "invalid-vf-id"),
				bad("POST", VFS, JSON, "{\"vfId\": true}", 400, "invalid-vf-id"),
				bad("POST", VFS, JSON, "{\"vfId\": 5, \"life\": 1}", 400, "malformed-request"),
				bad("POST", VFS, JSON, "{\"vfId\": 5", 400, "malformed-request"),
				bad("POST", VFS, JSON, "[5]", 400, "malformed-request"),
				bad("POST", VFS, "text/plain", "5", 415, "unsupported-media-type"),
				bad("POST", VFS, "application/yaml", "vfId: 5.5", 415, "unsupported-media-type"),
				bad("POST", INVALIDATE, "application/yaml", "blockMask: 1", 415, "unsupported-media-type"),
				bad("POST", VFS, JSON, "{\"vfId\": 99999999999}", 400, "invalid-vf-id"),
				bad("PUT", VFS, JSON, "{}", 405, "method-not-allowed"),
				bad("DELETE", "/api/v1/pf/vfs/9", null, null, 404, "vf-not-found"),
				bad("DELETE", "/api/v1/pf/vfs/64", null, null, 400, "invalid-vf-id"),
				bad("DELETE", "/api/v1/pf/vfs/one", null, null, 400, "invalid-vf-id"),
				bad("POST", "/api/v1/pf/vfs/9/reset", null, null, 404, "vf-not-found"),
				bad("POST", "/api/v1/pf/vfs/-3/reset", null, null, 400, "invalid-vf-id"),
				bad("GET", "/api/v1/pf/vfs/0/reset", null, null, 405, "method-not-allowed"),
				// block-write poll
				bad("GET", "/api/v1/pf/vfs/9/block-writes?timeout=0", null, null, 404, "vf-not-found"),
				bad("GET", WRITES + "?timeout=1d", null, null, 400, "invalid-timeout"),
				bad("GET", WRITES + "?timeout=0&after=AAAA", null, null, 400, "invalid-cursor"),
				bad("POST", WRITES, JSON, "{}", 405, "method-not-allowed"));
	}

	private static Arguments bad(String method, String uri, String contentType, String body, int status, String slug) {
		return arguments(method, uri, contentType, body, status, slug);
	}

	@ParameterizedTest(name = "{0} {1} {3} -> {4} {5}")
	@MethodSource("badInputs")
	void badInputShouldGetItsProblemAndChangeNothing(String method, String uri, String contentType, String body,
			int status, String slug) throws Exception {
		String before = snapshot();
		var request = this.client.method(HttpMethod.valueOf(method)).uri(uri);
		if (contentType != null) {
			request.contentType(MediaType.parseMediaType(contentType)).body(body);
		}
		assertProblem(RestTestClientResponse.from(request.exchange()), status, slug);
		assertThat(snapshot()).isEqualTo(before);
	}

	@ParameterizedTest(name = "a cursor {0}")
	@MethodSource("foreignCursors")
	void cursorNotOfThisVfLifeShouldBeRefused(String which, int status, String slug) throws Exception {
		String cursor = foreign(which, currentCursor(0), currentCursor(1), this.adapter.blockWritesCursor(0));
		assertRefusedUnchanged(POLL, cursor, status, slug);
	}

	static Stream<Arguments> foreignCursors() {
		return Stream.of(arguments("of another VF", 400, "invalid-cursor"),
				arguments("of an earlier life", 410, "stale-cursor"),
				arguments("of the other stream", 400, "invalid-cursor"),
				arguments("ahead of the VF", 400, "invalid-cursor"));
	}

	@ParameterizedTest(name = "a block-write poll after a cursor {0}")
	@MethodSource("foreignCursors")
	void cursorNotOfThisVfLogShouldBeRefused(String which, int status, String slug) throws Exception {
		String cursor = foreign(which, this.adapter.blockWritesCursor(0), this.adapter.blockWritesCursor(1),
				currentCursor(0));
		assertRefusedUnchanged(WRITES, cursor, status, slug);
	}

	/** A cursor the poll must refuse, made from the poll's own current cursor and two foreign ones. */
	private static String foreign(String which, Cursor current, Cursor ofOtherVf, Cursor ofOtherStream) {
		return switch (which) {
			case "of another VF" -> ofOtherVf.encode();
			case "of an earlier life" -> new Cursor(current.stream(), 0, current.life() ^ 1, 0).encode();
			case "of the other stream" -> ofOtherStream.encode();
			default -> new Cursor(current.stream(), 0, current.life(), current.position() + 5).encode();
		};
	}

	private void assertRefusedUnchanged(String poll, String cursor, int status, String slug) throws Exception {
		String before = snapshot();
		assertProblem(RestTestClientResponse.from(this.client.get().uri(poll + "?timeout=0&after={cursor}", cursor).exchange()),
				status, slug);
		assertThat(snapshot()).isEqualTo(before);
	}

	@ParameterizedTest(name = "If-Match {0}")
	@MethodSource("badPreconditions")
	void writeWithAFailingIfMatchShouldChangeNothing(String ifMatch, int status, String slug) throws Exception {
		String before = snapshot();
		assertProblem(RestTestClientResponse.from(this.client.put().uri(BLOCK).contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header("If-Match", ifMatch).body(new byte[] { 9 }).exchange()), status, slug);
		assertThat(snapshot()).isEqualTo(before);
	}

	static Stream<Arguments> badPreconditions() {
		return Stream.of(arguments("\"999\"", 412, "version-mismatch"), arguments("W/\"1\"", 412, "version-mismatch"),
				arguments("1", 400, "malformed-request"));
	}

	@ParameterizedTest(name = "If-None-Match {0}")
	@MethodSource("badNoneMatches")
	void writeWithAFailingIfNoneMatchShouldChangeNothing(String ifNoneMatch, int status, String slug) throws Exception {
		String current = "\"" + this.adapter.read(0, 5, Role.PF).version() + "\"";
		String header = ifNoneMatch.replace("CURRENT", current);
		String before = snapshot();
		assertProblem(RestTestClientResponse.from(this.client.put().uri(BLOCK).contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header("If-None-Match", header).body(new byte[] { 9 }).exchange()), status, slug);
		assertThat(snapshot()).isEqualTo(before);
	}

	static Stream<Arguments> badNoneMatches() {
		return Stream.of(arguments("*", 412, "version-mismatch"), arguments("CURRENT", 412, "version-mismatch"),
				arguments("\"999\", W/CURRENT", 412, "version-mismatch"), arguments("x", 400, "malformed-request"));
	}

	private void assertProblem(RestTestClientResponse result, int status, String slug) {
		var response = assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		var problem = response.bodyJson();
		problem.extractingPath("$.type").isEqualTo(ProblemType.BASE + slug);
		problem.extractingPath("$.status").isEqualTo(status);
		problem.extractingPath("$.title").asString().isNotBlank();
		problem.extractingPath("$.detail").asString().isNotBlank().doesNotContain("org.", "java.", "Exception");
	}

	private Cursor currentCursor(int vfId) {
		return this.adapter.state(vfId).cursor();
	}

	/** Everything a bad request could have changed, as the PF sees it. */
	private String snapshot() throws Exception {
		String adapter = this.client.get().uri("/api/v1/pf").exchange().returnResult(String.class).getResponseBody();
		String block = this.client.get().uri("/api/v1/pf/vfs/0/config-blocks/5").exchange().returnResult(String.class)
			.getResponseBody();
		return adapter + block;
	}

}
