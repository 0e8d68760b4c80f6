package org.vsriov.web;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PF's invalidation over the wire, which {@link CommandHandler} serves below Spring MVC: its
 * answer, the refusals Spring MVC gave it (which {@link BadInputTest} lists by type), and its timer.
 * Each test uses a VF of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "vsriov.initial-vfs=8")
@AutoConfigureRestTestClient
class PfInvalidationServerTest {

	private static final String PATH = "/api/v1/pf/vfs/{vfId}/invalidations";

	@Autowired
	private RestTestClient client;

	@Autowired
	private VirtualAdapter adapter;

	@LocalServerPort
	private int port;

	@Test
	void invalidationShouldBeMergedAndAnswered202WithThePendingMaskAndBeTimed() {
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		var result = post(0, MediaType.APPLICATION_JSON_VALUE, "{\"blocks\": [5]}");
		assertThat(result).hasStatus(202).hasContentType(MediaType.APPLICATION_JSON);
		var body = assertThat(result).bodyJson();
		body.extractingPath("$.vfId").isEqualTo(0);
		body.extractingPath("$.pendingMask").isEqualTo("0x0000000000000021");
		body.extractingPath("$.blocks").asArray().containsExactly(0, 5);
		assertThat(result.getExchangeResult().getResponseHeaders().getContentLength()).isEqualTo(60);
		assertThat(metrics()).containsPattern("http_server_requests_seconds_count\\{error=\"none\",exception=\"none\","
				+ "method=\"POST\",outcome=\"SUCCESS\",status=\"202\",uri=\"/api/v1/pf/vfs/\\{vfId}/invalidations\"} [1-9]");
	}

	@Test
	void bodyOfAnotherTypeOrNoneShouldGet415WithTheTypeToSendAndChangeNothing() throws Exception {
		var refused = post(1, MediaType.TEXT_PLAIN_VALUE, "{\"blocks\": [5]}");
		assertThat(refused).hasStatus(415).hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.hasHeader(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE);
		assertThat(refused).bodyJson().extractingPath("$.detail").isEqualTo("Content-Type text/plain is not taken here; "
				+ "send the body with Content-Type application/json");
		// The JDK's client sends no Content-Type unless told to.
		HttpResponse<String> untyped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/api/v1/pf/vfs/1/invalidations"))
			.POST(HttpRequest.BodyPublishers.ofString("{\"blocks\": [5]}")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(untyped.statusCode()).isEqualTo(415);
		assertThat(untyped.body()).contains("\"detail\":\"the request has no Content-Type; "
				+ "send the body with Content-Type application/json\"");
		assertThat(this.adapter.state(1).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void unknownFieldShouldBeNamedInErrorsFieldFirst() {
		var refused = post(2, MediaType.APPLICATION_JSON_VALUE, "{\"blocks\": [5], \"mask\": 1}");
		assertThat(refused).hasStatus(400).hasBodyTextEqualTo("{\"detail\":\"unknown field 'mask'\","
				+ "\"instance\":\"/api/v1/pf/vfs/2/invalidations\",\"status\":400,\"title\":\"Malformed request\","
				+ "\"type\":\"https://vsriov.org/problems/malformed-request\","
				+ "\"errors\":[{\"field\":\"mask\",\"message\":\"unknown field\"}]}");
		assertThat(this.adapter.state(2).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void missingOrNullBodyShouldGet400() {
		for (String body : new String[] { "", "null" }) {
			var refused = post(3, MediaType.APPLICATION_JSON_VALUE, body);
			assertThat(refused).hasStatus(400);
			assertThat(refused).bodyJson().extractingPath("$.detail").isEqualTo("request body is missing or is not a JSON object");
		}
	}

	@Test
	void chunkedBodyOverTheLimitShouldGet413AndChangeNothing() throws Exception {
		byte[] body = ("{\"blocks\": [5], \"pad\": \"" + "x".repeat(20_000) + "\"}").getBytes();
		var request = HttpRequest.newBuilder(uri("/api/v1/pf/vfs/4/invalidations"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains(ProblemType.BASE + "body-too-large");
		assertThat(this.adapter.state(4).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void bodyThatComesAfterItsHeadShouldBeWaitedForWithoutHoldingUpOtherRequests() throws Exception {
		String body = "{\"blocks\": [6]}";
		try (var socket = RawHttp.send(this.port, "POST /api/v1/pf/vfs/5/invalidations HTTP/1.1\r\nHost: localhost\r\n"
				+ "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n")) {
			// The command waits for its body on the thread that read its head, Jetty's selector, without
			// blocking it: other requests, a poll and another invalidation, are served meanwhile.
			assertThat(RestTestClientResponse.from(this.client.get().uri("/api/v1/vfs/6/invalidations?timeout=0").exchange()))
				.hasStatus(204);
			assertThat(post(6, MediaType.APPLICATION_JSON_VALUE, "{\"blocks\": [1]}")).hasStatus(202);
			assertThat(this.adapter.state(5).pendingMask()).isEqualTo(BlockMask.NONE);
			socket.getOutputStream().write(body.getBytes());
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 202 ");
			assertThat(new String(socket.getInputStream().readNBytes(RawHttp.contentLength(head))))
				.contains("\"pendingMask\":\"0x0000000000000040\"");
		}
		assertThat(this.adapter.state(5).pendingMask()).isEqualTo(BlockMask.parse("0x40"));
	}

	@Test
	void chunkedBodyOverTheLimitShouldCloseTheConnectionWithIts413() throws Exception {
		String chunk = "{\"blocks\": [5], \"pad\": \"" + "x".repeat(20_000) + "\"}";
		try (var socket = RawHttp.send(this.port, "POST /api/v1/pf/vfs/7/invalidations HTTP/1.1\r\nHost: localhost\r\n"
				+ "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
				+ Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 413 ").containsIgnoringCase("\r\nConnection: close\r\n");
		}
		assertThat(this.adapter.state(7).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	private RestTestClientResponse post(int vfId, String contentType, String body) {
		return RestTestClientResponse.from(this.client.post().uri(PATH, vfId).contentType(MediaType.parseMediaType(contentType))
			.body(body).exchange());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private String metrics() {
		return this.client.get().uri("/actuator/prometheus").exchange().returnResult(String.class).getResponseBody();
	}

}
