package org.vsriov.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
		String port = context.getEnvironment().getProperty("local.server.port");
		var http = HttpClient.newHttpClient();
		var polls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
		for (int vf = 0; vf < 3; vf++) {
			URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/vfs/" + vf + "/invalidations?timeout=5m");
			polls.add(http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
		}
		await().until(() -> adapter.stats().parkedPolls() == 3);

		long start = System.nanoTime();
		context.close();
		// Well under the 30 s that graceful shutdown would wait for requests still open.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		for (CompletableFuture<HttpResponse<String>> poll : polls) {
			HttpResponse<String> response = poll.get(5, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(204);
			assertThat(response.headers().firstValue("Vsriov-Cursor")).isPresent();
		}
	}

}
