package org.vsriov.web;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Requests Jetty cannot parse never reach Spring MVC; Jetty's answer to them is a problem too,
 * not its HTML error page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient // unused here, but it lets this class share OperationsTest's server
class UnparsableRequestTest {

	@LocalServerPort
	private int port;

	static Stream<Arguments> unparsable() {
		return Stream.of(arguments("no URI", "GARBAGE\r\n\r\n", 400, "malformed-request"),
				arguments("a header without a colon", "GET /api/v1/pf HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400,
						"malformed-request"),
				arguments("an unknown HTTP version", "GET /api/v1/pf HTTP/9.9\r\nHost: x\r\n\r\n", 505,
						"http-version-not-supported"),
				arguments("a URI over 8 KiB", "GET /api/v1/pf?x=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414,
						"uri-too-long"),
				arguments("headers over 8 KiB", "GET /api/v1/pf HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000)
						+ "\r\n\r\n", 431, "headers-too-large"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unparsable")
	void requestJettyCannotParseShouldGetAProblem(String what, String request, int status, String slug)
			throws Exception {
		try (var socket = RawHttp.send(this.port, request)) {
			InputStream in = socket.getInputStream();
			String head = RawHttp.readHead(in);
			assertThat(head).startsWith("HTTP/1.1 " + status + " ");
			assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\ncontent-type: application/problem+json\r\n");
			String body = new String(in.readNBytes(RawHttp.contentLength(head)), StandardCharsets.UTF_8);
			assertThat(body).contains("\"type\":\"" + ProblemType.BASE + slug + "\"", "\"status\":" + status,
					"\"title\":", "\"detail\":");
			assertThat(body).doesNotContain("<html", "Exception", "/badMessage");
		}
	}

}
