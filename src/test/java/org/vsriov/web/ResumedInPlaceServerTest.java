package org.vsriov.web;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A parked poll's connection, its request completed by the PF's invalidation on another connection
 * (and resumed on that thread, {@link ResumedInPlace}), goes on serving what its client sends next:
 * the next poll, and requests the client had already sent behind the parked one, hot or not. That it
 * resumes on that thread is {@link ResumedInPlaceTest}'s to show, and the benchmark's trace's
 * (docs/decisions/0015-connections-resumed-in-place.md); this is what the client sees either way.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "vsriov.initial-vfs=4")
class ResumedInPlaceServerTest {

	@Autowired
	private VirtualAdapter adapter;

	@LocalServerPort
	private int port;

	@Test
	void theNextPollOnTheConnectionShouldBeAnswered() throws Exception {
		String cursor = this.adapter.state(1).cursor().encode();
		try (Socket vf = RawHttp.send(this.port, poll(1, cursor, "30s"))) {
			await().until(() -> this.adapter.state(1).waiters() == 1);
			invalidate(1, "0x2");
			InputStream in = vf.getInputStream();
			String next = cursorOf(assertOk(in, "\"blocks\":[1]"));
			vf.getOutputStream().write(poll(1, next, "30s").getBytes(StandardCharsets.US_ASCII));
			await().until(() -> this.adapter.state(1).waiters() == 1);
			invalidate(1, "0x4");
			assertOk(in, "\"blocks\":[2]");
		}
	}

	@Test
	void requestsSentBehindTheParkedPollShouldBeAnswered() throws Exception {
		String cursor = this.adapter.state(2).cursor().encode();
		// Pipelined: a poll that parks, a poll that answers at once (a hot route), and GET /pf
		// (served on the pool).
		try (Socket vf = RawHttp.send(this.port, poll(2, cursor, "30s") + poll(3, null, "0")
				+ "GET /api/v1/pf HTTP/1.1\r\nHost: localhost\r\n\r\n")) {
			await().until(() -> this.adapter.state(2).waiters() == 1);
			invalidate(2, "0x1");
			InputStream in = vf.getInputStream();
			assertOk(in, "\"vfId\":2");
			assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.1 204");
			assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.1 200").contains("Content-Type: application/json");
		}
	}

	private void invalidate(int vfId, String mask) throws Exception {
		String json = "{\"blockMask\":\"" + mask + "\"}";
		try (Socket pf = RawHttp.send(this.port, "POST /api/v1/pf/vfs/" + vfId + "/invalidations HTTP/1.1\r\n"
				+ "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
				+ "\r\nConnection: close\r\n\r\n" + json)) {
			assertThat(RawHttp.readHead(pf.getInputStream())).startsWith("HTTP/1.1 202");
		}
	}

	private static String poll(int vfId, String cursor, String timeout) {
		return "GET /api/v1/vfs/" + vfId + "/invalidations?timeout=" + timeout
				+ ((cursor != null) ? "&after=" + cursor : "") + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
	}

	private static String cursorOf(String head) {
		for (String line : head.split("\r\n")) {
			if (line.regionMatches(true, 0, "Vsriov-Cursor:", 0, 14)) {
				return line.substring(14).trim();
			}
		}
		throw new AssertionError("no cursor in " + head);
	}

	/** Reads a 200 whose body contains {@code expected}, and returns its head. */
	private static String assertOk(InputStream in, String expected) throws Exception {
		String head = RawHttp.readHead(in);
		assertThat(head).startsWith("HTTP/1.1 200");
		assertThat(new String(in.readNBytes(RawHttp.contentLength(head)), StandardCharsets.UTF_8)).contains(expected);
		return head;
	}

}
