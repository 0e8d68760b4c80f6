package org.vsriov.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a long poll answers, over the wire: the bodies, headers and problems of both streams, which
 * {@link LongPollHandler} writes below Spring MVC, and what Spring MVC still answers on their paths
 * (HEAD, OPTIONS). Each test uses VFs of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.poll.max-waiters-per-vf=2", "vsriov.initial-vfs=12" })
@AutoConfigureRestTestClient
class LongPollAnswersServerTest {

	private static final String CURSOR = PolledStream.CURSOR_HEADER;

	@Autowired
	private RestTestClient client;

	@Autowired
	private VirtualAdapter adapter;

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void pollShouldAnswerAtOnceWithTheInvalidateConfigBlockOid() {
		this.adapter.invalidate(0, BlockMask.parse("0x21"));
		var result = get("/api/v1/vfs/0/invalidations?timeout=0");
		assertThat(result).hasStatusOk().hasContentType(MediaType.APPLICATION_JSON);
		var body = assertThat(result).bodyJson();
		body.extractingPath("$.vfId").isEqualTo(0);
		body.extractingPath("$.oid").isEqualTo("OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK");
		body.extractingPath("$.header.type").isEqualTo(128);
		body.extractingPath("$.header.revision").isEqualTo(1);
		body.extractingPath("$.header.size").isEqualTo(16);
		body.extractingPath("$.blockMask").isEqualTo("0x0000000000000021");
		body.extractingPath("$.blocks").asArray().containsExactly(0, 5);
		body.extractingPath("$.cursor").isEqualTo(cursorOf(result));
		// The plain poll took the bits.
		assertThat(this.adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void pollWithNothingNewShouldAnswer204WithTheCursor() {
		var result = get("/api/v1/vfs/1/invalidations?timeout=0");
		assertThat(result).hasStatus(204).body().isEmpty();
		assertThat(cursorOf(result)).isEqualTo(this.adapter.state(1).cursor().encode());
	}

	@Test
	void lostAnswerShouldBeDeliveredAgainForTheSameCursor() {
		String cursor = cursorOf(get("/api/v1/vfs/2/invalidations?timeout=0"));
		this.adapter.invalidate(2, BlockMask.parse("0x2"));
		String path = "/api/v1/vfs/2/invalidations?timeout=0&after=" + cursor;
		assertThat(get(path)).bodyJson().extractingPath("$.blockMask").isEqualTo("0x0000000000000002");
		this.adapter.invalidate(2, BlockMask.parse("0x4"));
		assertThat(get(path)).bodyJson().extractingPath("$.blockMask").isEqualTo("0x0000000000000006");
	}

	@Test
	void pollOverTheWaiterCapShouldParkAndSupersedeTheOldest() throws Exception {
		var polls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
		polls.add(send("/api/v1/vfs/3/invalidations?timeout=1m"));
		polls.add(send("/api/v1/vfs/3/invalidations?timeout=1m"));
		await().until(() -> this.adapter.state(3).waiters() == 2);
		polls.add(send("/api/v1/vfs/3/invalidations?timeout=1m"));
		// One of the first two is answered 204, with nothing taken, to make room.
		await().until(() -> polls.get(0).isDone() || polls.get(1).isDone());
		assertThat(this.adapter.state(3).waiters()).isEqualTo(2);
		this.adapter.invalidate(3, BlockMask.parse("0x1"));
		var statuses = new ArrayList<Integer>();
		for (CompletableFuture<HttpResponse<String>> poll : polls) {
			statuses.add(poll.get(10, TimeUnit.SECONDS).statusCode());
		}
		assertThat(statuses).containsExactlyInAnyOrder(204, 200, 200);
		assertThat(statuses.get(2)).isEqualTo(200);
		assertThat(this.adapter.state(3).waiters()).isZero();
	}

	@Test
	void headOnThePollsShouldBeRefusedAndTakeNothing() {
		this.adapter.invalidate(4, BlockMask.parse("0x1"));
		for (String poll : new String[] { "/api/v1/vfs/4/invalidations?timeout=0", "/api/v1/pf/vfs/4/block-writes?timeout=0" }) {
			assertThat(RestTestClientResponse.from(this.client.head().uri(poll).exchange())).hasStatus(405)
				.hasHeader(HttpHeaders.ALLOW, "GET");
		}
		assertThat(this.adapter.state(4).pendingMask().bits()).isEqualTo(0x1);
	}

	@Test
	void optionsOnTheLongPollsShouldNotOfferHead() {
		for (String poll : new String[] { "/api/v1/vfs/1/invalidations", "/api/v1/pf/vfs/1/block-writes" }) {
			assertThat(RestTestClientResponse.from(this.client.options().uri(poll).exchange())).hasStatusOk()
				.hasHeader(HttpHeaders.ALLOW, "GET,OPTIONS");
		}
	}

	@Test
	void otherMethodsOnThePollsShouldGet405Problems() {
		for (String poll : new String[] { "/api/v1/vfs/1/invalidations", "/api/v1/pf/vfs/1/block-writes" }) {
			var refused = RestTestClientResponse.from(this.client.delete().uri(poll).exchange());
			assertThat(refused).hasStatus(405).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(refused).bodyJson().extractingPath("$.type").isEqualTo(ProblemType.BASE + "method-not-allowed");
		}
	}

	@Test
	void pollWithAnAcceptOfAnyKindShouldGetItsJsonAndAnUnparsableOneA400() {
		for (String accept : new String[] { "application/xml", "text/plain", "application/octet-stream", "*/*" }) {
			this.adapter.invalidate(5, BlockMask.parse("0x8"));
			var result = RestTestClientResponse.from(this.client.get().uri("/api/v1/vfs/5/invalidations?timeout=0")
				.header(HttpHeaders.ACCEPT, accept).exchange());
			assertThat(result).hasStatusOk().hasContentType(MediaType.APPLICATION_JSON);
			assertThat(result).bodyJson().extractingPath("$.blocks").asArray().containsExactly(3);
		}
		this.adapter.invalidate(5, BlockMask.parse("0x8"));
		var refused = RestTestClientResponse.from(this.client.get().uri("/api/v1/vfs/5/invalidations?timeout=0")
			.header(HttpHeaders.ACCEPT, "application/").exchange());
		assertThat(refused).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(refused).bodyJson().extractingPath("$.detail").asString().startsWith("Accept cannot be parsed")
			.endsWith("; send application/json, or no Accept");
		assertThat(refused).bodyJson().extractingPath("$.instance").isEqualTo("/api/v1/vfs/5/invalidations");
		// Refused before the adapter was asked: the plain poll took nothing.
		assertThat(this.adapter.state(5).pendingMask().bits()).isEqualTo(0x8);
	}

	@Test
	void vfIdThatIsNotDecimalDigitsShouldGetTheProblemThatNamesIt() {
		var refused = get("/api/v1/pf/vfs/0x1/block-writes?timeout=0");
		assertThat(refused).hasStatus(400).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		var problem = assertThat(refused).bodyJson();
		problem.extractingPath("$.type").isEqualTo(ProblemType.BASE + "invalid-vf-id");
		problem.extractingPath("$.detail").isEqualTo("vfId must be a decimal integer from 0 to 63, in ASCII digits");
		problem.extractingPath("$.parameter").isEqualTo("vfId");
		problem.extractingPath("$.value").isEqualTo("0x1");
		problem.extractingPath("$.instance").isEqualTo("/api/v1/pf/vfs/0x1/block-writes");
	}

	@Test
	void pathsAndQueriesThatSpringMvcNeverMatchedShouldGetTheSameAnswersAsBefore() throws Exception {
		// A dot segment: Spring MVC matched the path as sent, and found nothing.
		assertThat(rawHead("GET /api/v1/vfs/0/../0/invalidations?timeout=0")).startsWith("HTTP/1.1 404 ");
		// A query that cannot be decoded: Jetty's 400, as on every other path.
		assertThat(rawHead("GET /api/v1/vfs/0/invalidations?timeout=%zz")).startsWith("HTTP/1.1 400 ")
			.contains("Content-Type: application/problem+json");
		// The VF id is checked before the query, as Spring MVC bound it.
		assertThat(rawHead("GET /api/v1/vfs/abc/invalidations?after=%zz")).startsWith("HTTP/1.1 400 ");
		assertThat(RestTestClientResponse.from(this.client.get().uri("/api/v1/vfs/abc/invalidations?after=x").exchange()))
			.bodyJson().extractingPath("$.type").isEqualTo(ProblemType.BASE + "invalid-vf-id");
		// A path parameter is dropped, and an escaped digit is a digit: both are VF 0's poll.
		assertThat(rawHead("GET /api/v1/vfs/0;a=b/invalidations?timeout=0")).startsWith("HTTP/1.1 204 ");
		assertThat(rawHead("GET /api/v1/pf/vfs/%30/block-writes?timeout=0")).startsWith("HTTP/1.1 204 ");
	}

	@Test
	void aQueryToDecodeShouldBeReadAsAPlainOneIs() throws Exception {
		// Jetty's parser reads these (PollParameters reads only plain ones): the same 204 as timeout=0.
		assertThat(rawHead("GET /api/v1/vfs/0/invalidations?timeout=%30")).startsWith("HTTP/1.1 204 ");
		assertThat(rawHead("GET /api/v1/vfs/0/invalidations?timeout=0&x=a+b")).startsWith("HTTP/1.1 204 ");
		// Names are case-sensitive, as Spring MVC bound them: TIMEOUT is not timeout (whose default is 30 s).
		assertThat(rawHead("GET /api/v1/vfs/0/invalidations?TIMEOUT=x&timeout=0")).startsWith("HTTP/1.1 204 ");
		// A well-formed escape that is not UTF-8: Jetty's 400, as for %zz.
		assertThat(rawHead("GET /api/v1/vfs/0/invalidations?timeout=%FF")).startsWith("HTTP/1.1 400 ")
			.contains("Content-Type: application/problem+json");
	}

	@Test
	void answersShouldCarryTheirHeadersInTheSameOrder() throws Exception {
		String timedOut = rawHead("GET /api/v1/vfs/11/invalidations?timeout=0");
		assertThat(timedOut).startsWith("HTTP/1.1 204 ");
		assertThat(headerNames(timedOut)).containsSubsequence("Date", CURSOR);
		this.adapter.invalidate(11, BlockMask.parse("0x4"));
		String delivered = rawHead("GET /api/v1/vfs/11/invalidations?timeout=0");
		assertThat(delivered).startsWith("HTTP/1.1 200 ");
		assertThat(headerNames(delivered)).containsSubsequence("Date", CURSOR, "Content-Type", "Content-Length");
	}

	private static List<String> headerNames(String head) {
		return head.lines().skip(1).filter((line) -> line.contains(":")).map((line) -> line.substring(0, line.indexOf(':')))
			.toList();
	}

	@Test
	void pollThatDeclaresABodyOverTheLimitShouldGet413AndTakeNothing() throws Exception {
		this.adapter.invalidate(10, BlockMask.parse("0x2"));
		try (var socket = RawHttp.send(this.port, "GET /api/v1/vfs/10/invalidations?timeout=0 HTTP/1.1\r\n"
				+ "Host: localhost\r\nContent-Length: 20000\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 413 ").contains("Connection: close",
					"Content-Type: application/problem+json");
		}
		assertThat(this.adapter.state(10).pendingMask().bits()).isEqualTo(0x2);
	}

	@Test
	void blockWritesShouldListTheVfWritesOldestFirstWithTheirBytes() {
		this.client.put().uri("/api/v1/vfs/6/config-blocks/3").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(new byte[] { 10, 11 }).exchange().expectStatus().isOk();
		this.client.put().uri("/api/v1/pf/vfs/6/config-blocks/3").contentType(MediaType.APPLICATION_JSON)
			.body("{\"hex\": \"ee\"}").exchange().expectStatus().isOk();
		this.client.put().uri("/api/v1/vfs/6/config-blocks/3").contentType(MediaType.APPLICATION_JSON)
			.body("{\"base64\": \"DA==\"}").exchange().expectStatus().isOk();
		var result = get("/api/v1/pf/vfs/6/block-writes?timeout=0");
		var writes = assertThat(result).hasStatusOk().bodyJson();
		writes.extractingPath("$.vfId").isEqualTo(6);
		writes.extractingPath("$.writes[*].hex").asArray().containsExactly("0a0b", "0c");
		writes.extractingPath("$.writes[*].base64").asArray().containsExactly("Cgs=", "DA==");
		writes.extractingPath("$.writes[*].length").asArray().containsExactly(2, 1);
		writes.extractingPath("$.writes[*].blockId").asArray().containsExactly(3, 3);
		writes.extractingPath("$.writes[*].version").asArray().containsExactly(1, 3);
		writes.extractingPath("$.writes[0].at").asString().isNotBlank();
		String cursor = cursorOf(result);
		writes.extractingPath("$.cursor").isEqualTo(cursor);
		assertThat(get("/api/v1/pf/vfs/6/block-writes?timeout=0&after=" + cursor)).hasStatus(204)
			.hasHeader(CURSOR, cursor);
	}

	@Test
	void blockWritesAfterAResetShouldRefuseTheOldCursorAsStale() {
		String cursor = cursorOf(get("/api/v1/pf/vfs/7/block-writes?timeout=0"));
		this.client.post().uri("/api/v1/pf/vfs/7/reset").exchange().expectStatus().isNoContent();
		assertThat(get("/api/v1/pf/vfs/7/block-writes?timeout=0&after=" + cursor)).hasStatus(410)
			.bodyJson().extractingPath("$.type").isEqualTo(ProblemType.BASE + "stale-cursor");
	}

	@Test
	void freedVfShouldAnswer404OnBothPolls() {
		this.client.delete().uri("/api/v1/pf/vfs/8").exchange().expectStatus().isNoContent();
		for (String path : new String[] { "/api/v1/vfs/8/invalidations?timeout=0", "/api/v1/pf/vfs/8/block-writes?timeout=0" }) {
			assertThat(get(path)).hasStatus(404).bodyJson().extractingPath("$.type")
				.isEqualTo(ProblemType.BASE + "vf-not-found");
		}
	}

	@Test
	@DirtiesContext
	void pollThatWouldWaitWhileTheServiceStopsShouldGetA503ThatSaysWhenToComeBack() {
		this.adapter.close();
		var result = get("/api/v1/vfs/9/invalidations?timeout=30s");
		assertThat(result).hasStatus(503).hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader(HttpHeaders.RETRY_AFTER, "5")
			.hasHeader(HttpHeaders.CONNECTION, "close");
		assertThat(result).bodyJson().extractingPath("$.type").isEqualTo(ProblemType.BASE + "service-stopping");
	}

	private RestTestClientResponse get(String path) {
		return RestTestClientResponse.from(this.client.get().uri(path).exchange());
	}

	private CompletableFuture<HttpResponse<String>> send(String path) {
		return this.http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private String rawHead(String requestLine) throws Exception {
		try (var socket = RawHttp.send(this.port, requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
			return RawHttp.readHead(socket.getInputStream());
		}
	}

	private static String cursorOf(RestTestClientResponse result) {
		return result.getExchangeResult().getResponseHeaders().getFirst(CURSOR);
	}

}
