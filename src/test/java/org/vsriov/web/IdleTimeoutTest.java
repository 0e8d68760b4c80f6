package org.vsriov.web;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jetty's idle timeouts (between requests, and for I/O while one is handled) are not for a parked poll:
 * a poll that waits longer than it still gets its 204 when its own timeout ends.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.jetty.connection-idle-timeout=1s", "vsriov.http.io-timeout=1s" })
class IdleTimeoutTest {

	@LocalServerPort
	private int port;

	@Test
	void pollParkedLongerThanTheIdleTimeoutShouldEndWithItsOwn204() throws Exception {
		long start = System.nanoTime();
		try (var socket = RawHttp.send(this.port,
				"GET /api/v1/vfs/0/invalidations?timeout=3s HTTP/1.1\r\nHost: x\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			long waitedMillis = (System.nanoTime() - start) / 1_000_000;
			assertThat(head).startsWith("HTTP/1.1 204");
			// 3 s less up to 1/16 of jitter: well past the 1 s idle timeout.
			assertThat(waitedMillis).isGreaterThanOrEqualTo(2_800);
		}
	}

}
