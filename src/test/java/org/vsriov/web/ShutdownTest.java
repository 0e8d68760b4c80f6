package org.vsriov.web;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;
import org.vsriov.VsriovApplication;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the service answers every parked poll with 204 at once, instead of holding shutdown, and
 * answers a request that comes late on a connection accepted before.
 */
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

	@Test
	void requestOnAConnectionAcceptedBeforeTheStopShouldBeAnsweredEvenIfItComesLate() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(VsriovApplication.class, SlowRequests.class)
			.run("--server.port=0");
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		var arrivals = context.getBean(Arrivals.class);
		var release = context.getBean(PollRelease.class);
		try (var socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			await().until(() -> arrivals.unstarted() == 1);
			var stopping = new Thread(context::close);
			stopping.start();
			await().until(() -> !release.isRunning());
			// A client slower than the stop's wait for connections to cease: in a burst, thousands of
			// accepted connections wait that long for a thread to read their request, or for their
			// client to send it. Its request then takes a while from parsed to handled (SlowRequests):
			// graceful shutdown counts it only once handled.
			Thread.sleep(PollRelease.QUIET.plusMillis(300).toMillis());
			socket.getOutputStream().write("GET /api/v1/vfs/0/invalidations?timeout=30s HTTP/1.1\r\nHost: x\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 503 ");
			assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\nretry-after: 5\r\n");
			stopping.join(10_000);
			assertThat(stopping.isAlive()).as("the stop has ended").isFalse();
		}
		finally {
			context.close();
		}
	}

	/** 300 ms between a request's head being parsed and the request reaching the handlers. */
	@Configuration(proxyBeanMethods = false)
	static class SlowRequests {

		@Bean
		WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> slowRequests() {
			return (factory) -> factory.addServerCustomizers((server) -> {
				for (Connector connector : server.getConnectors()) {
					HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
					http.getHttpConfiguration().addCustomizer((request, responseHeaders) -> {
						try {
							Thread.sleep(300);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						return request;
					});
				}
			});
		}

	}

}
