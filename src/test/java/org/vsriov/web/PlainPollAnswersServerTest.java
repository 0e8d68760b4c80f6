package org.vsriov.web;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answering a parked plain poll closes its connection (it says {@code Connection: close}), which the
 * connection watch sees: that must not hold the answering thread. It held each for a second (the
 * container listener's wait for an answer on its way), so that a server of 10 threads answered a
 * broadcast to 32 plain polls over 5 s, and a flood of them at 64 a second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.jetty.threads.max=10", "vsriov.initial-vfs=32" })
class PlainPollAnswersServerTest {

	@Autowired
	private VirtualAdapter adapter;

	@LocalServerPort
	private int port;

	private final List<Socket> polls = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (Socket poll : this.polls) {
			poll.close();
		}
	}

	@Test
	void broadcastToManyParkedPlainPollsShouldAnswerThemAllWithoutHoldingAThreadEach() throws Exception {
		for (int vf = 0; vf < 32; vf++) {
			this.polls.add(RawHttp.send(this.port, "GET /api/v1/vfs/" + vf + "/invalidations?timeout=60s HTTP/1.1\r\n"
					+ "Host: x\r\n\r\n"));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.adapter.stats().parkedPolls() == 32);
		long start = System.nanoTime();
		this.adapter.invalidateAll(BlockMask.parse("0x1"));
		for (Socket poll : this.polls) {
			assertThat(RawHttp.readHead(poll.getInputStream())).startsWith("HTTP/1.1 200");
		}
		// 32 polls on the 4 or so threads left beside Jetty's own took over 5 s when each answer held
		// its thread for a second.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		// And the threads are free again: the next requests are answered at once.
		for (int vf = 0; vf < 8; vf++) {
			try (var next = RawHttp.send(this.port, "GET /api/v1/vfs/" + vf + "/invalidations?timeout=0 HTTP/1.1\r\n"
					+ "Host: x\r\nConnection: close\r\n\r\n")) {
				assertThat(RawHttp.readHead(next.getInputStream())).startsWith("HTTP/1.1 204");
			}
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
	}

}
