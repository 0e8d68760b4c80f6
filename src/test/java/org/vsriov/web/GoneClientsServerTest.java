package org.vsriov.web;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What real clients do on a real server: agents that die with their polls parked (a plain poll whose
 * client is gone is withdrawn and takes nothing; a restarted agent's polls supersede its dead ones),
 * and requests a fuzzer sends (TRACE, ambiguous URIs on every method), all over raw sockets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "vsriov.poll.max-waiters-per-vf=2")
class GoneClientsServerTest {

	private static final Duration SEEN_WITHIN = Duration.ofSeconds(5);

	@Autowired
	private VirtualAdapter adapter;

	@LocalServerPort
	private int port;

	@ParameterizedTest(name = "closed with RST: {0}")
	@ValueSource(booleans = { false, true })
	void plainPollWhoseClientClosedShouldBeWithdrawnAndTakeNothing(boolean reset) throws Exception {
		int vf = reset ? 1 : 0;
		var socket = RawHttp.send(this.port, "GET /api/v1/vfs/" + vf + "/invalidations?timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n");
		await().atMost(SEEN_WITHIN).until(() -> this.adapter.state(vf).waiters() == 1);
		if (reset) {
			socket.setSoLinger(true, 0);
		}
		socket.close();
		await().atMost(SEEN_WITHIN).until(() -> this.adapter.state(vf).waiters() == 0);
		this.adapter.invalidate(vf, BlockMask.parse("0x81"));
		assertThat(this.adapter.state(vf).pendingMask().bits()).isEqualTo(0x81);
		try (var next = RawHttp.send(this.port, "GET /api/v1/vfs/" + vf
				+ "/invalidations?timeout=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
			String response = new String(next.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(response).startsWith("HTTP/1.1 200").contains("\"blocks\":[0,7]");
		}
	}

	@Test
	void plainPollWhoseClientHalfClosesShouldBeTimedOutAndTakeNothing() throws Exception {
		String cursor = this.adapter.state(3).cursor().encode();
		try (var socket = RawHttp.send(this.port, "GET /api/v1/vfs/3/invalidations?timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n")) {
			await().atMost(SEEN_WITHIN).until(() -> this.adapter.state(3).waiters() == 1);
			socket.shutdownOutput();
			// A client that can still read gets a 204 with its cursor, never an empty 200.
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 204").contains("\r\nVsriov-Cursor: " + cursor + "\r\n");
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.adapter.state(3).waiters()).isZero();
		this.adapter.invalidate(3, BlockMask.parse("0x10"));
		assertThat(this.adapter.state(3).pendingMask().bits()).isEqualTo(0x10);
	}

	@Test
	void parkedPlainPollShouldBeAnsweredWithItsDateAndCloseItsConnection() throws Exception {
		try (var socket = RawHttp.send(this.port, "GET /api/v1/vfs/2/invalidations?timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n")) {
			await().atMost(SEEN_WITHIN).until(() -> this.adapter.state(2).waiters() == 1);
			// Dates have whole seconds: the answer comes in a later second than the request did.
			Instant requested = Instant.now();
			await().until(() -> Instant.now().getEpochSecond() > requested.getEpochSecond());
			this.adapter.invalidate(2, BlockMask.parse("0x4"));
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 200").contains("\r\nConnection: close\r\n");
			assertThat(date(head)).isAfter(requested);
			assertThat(body(socket.getInputStream(), head)).contains("\"blocks\":[2]");
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void pollOverTheCapShouldSupersedeTheOldestWith204AndItsCursor() throws Exception {
		this.adapter.allocate(9);
		String cursor = this.adapter.state(9).cursor().encode();
		String poll = "GET /api/v1/vfs/9/invalidations?after=" + cursor + "&timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n";
		try (Socket oldest = RawHttp.send(this.port, poll)) {
			await().atMost(SEEN_WITHIN).until(() -> this.adapter.state(9).waiters() == 1);
			try (Socket second = RawHttp.send(this.port, poll); Socket third = RawHttp.send(this.port, poll)) {
				String head = RawHttp.readHead(oldest.getInputStream());
				assertThat(head).startsWith("HTTP/1.1 204").contains("\r\nVsriov-Cursor: " + cursor + "\r\n");
				await().atMost(SEEN_WITHIN).until(() -> this.adapter.state(9).waiters() == 2);
				this.adapter.invalidate(9, BlockMask.parse("0x2"));
				for (Socket socket : new Socket[] { second, third }) {
					String answer = RawHttp.readHead(socket.getInputStream());
					assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("Connection: close");
					assertThat(body(socket.getInputStream(), answer)).contains("\"blocks\":[1]");
				}
			}
		}
		finally {
			this.adapter.free(9);
		}
	}

	@Test
	void traceShouldBeRefusedWithoutEchoingTheRequest() throws Exception {
		try (var socket = RawHttp.send(this.port,
				"TRACE /api/v1/pf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\nConnection: close\r\n\r\n")) {
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(response).startsWith("HTTP/1.1 405").contains("Content-Type: application/problem+json",
					ProblemType.BASE + "method-not-allowed");
			assertThat(response).doesNotContain("secret", "TRACE /api");
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GET", "PUT", "DELETE", "POST", "PATCH" })
	void ambiguousUriShouldBeAProblemOnEveryMethod(String method) throws Exception {
		try (var socket = RawHttp.send(this.port,
				method + " /api/v1/pf/vfs/%2e%2e/0 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 400").contains("Content-Type: application/problem+json");
			assertThat(body(socket.getInputStream(), head)).contains(ProblemType.BASE + "malformed-request",
					"Ambiguous URI");
		}
	}

	private static Instant date(String head) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("date:")) {
				return ZonedDateTime.parse(line.substring(5).trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			}
		}
		throw new AssertionError("no Date in " + head);
	}

	private static String body(InputStream in, String head) throws Exception {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				int length = Integer.parseInt(line.substring("content-length:".length()).trim());
				return new String(in.readNBytes(length), StandardCharsets.UTF_8);
			}
		}
		throw new AssertionError("no Content-Length in " + head);
	}

}
