package org.vsriov.web;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vsriov.VsriovApplication;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Stopping the service answers every parked poll with 204 at once, instead of holding shutdown. */
class ShutdownTest {

	@Test
	void closingTheServiceShouldAnswerParkedPollsWith204() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(VsriovApplication.class)
			.run("--server.port=0", "--spring.lifecycle.timeout-per-shutdown-phase=30s");
		var adapter = context.getBean(VirtualAdapter.class);
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		// Plain sockets, one request each, as a VF agent's HTTP/1.1 client sends them: a client library
		// may try a request again on a new connection when the stopping server closes one.
		List<Socket> polls = new ArrayList<>();
		try {
			for (int vf = 0; vf < 3; vf++) {
				polls.add(RawHttp.send(port, "GET /api/v1/vfs/" + vf + "/invalidations?timeout=5m HTTP/1.1\r\n"
						+ "Host: localhost\r\n\r\n"));
			}
			await().until(() -> adapter.stats().parkedPolls() == 3);

			long start = System.nanoTime();
			context.close();
			// Well under the 30 s that graceful shutdown would wait for requests still open.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			for (Socket poll : polls) {
				var response = new BufferedReader(new InputStreamReader(poll.getInputStream(), StandardCharsets.US_ASCII));
				assertThat(response.readLine()).startsWith("HTTP/1.1 204");
				List<String> headers = new ArrayList<>();
				for (String line = response.readLine(); line != null && !line.isEmpty(); line = response.readLine()) {
					headers.add(line.toLowerCase());
				}
				assertThat(headers).anyMatch((header) -> header.startsWith("vsriov-cursor: "));
			}
		}
		finally {
			for (Socket poll : polls) {
				poll.close();
			}
		}
	}

}
