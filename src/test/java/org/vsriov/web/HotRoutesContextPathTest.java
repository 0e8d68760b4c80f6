package org.vsriov.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operations served below Spring MVC ({@link LongPollHandler}, {@link CommandHandler}) live
 * under {@code server.servlet.context-path} like every other, and only there; and the busy limit
 * knows them there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.servlet.context-path=/x", "vsriov.http.max-busy-requests=1" })
class HotRoutesContextPathTest {

	@LocalServerPort
	private int port;

	@org.springframework.beans.factory.annotation.Autowired
	private org.vsriov.adapter.VirtualAdapter adapter;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void pollsAndTheInvalidationShouldBeServedUnderTheContextPath() throws Exception {
		assertThat(send(get("/x/api/v1/vfs/0/invalidations?timeout=0")).statusCode()).isEqualTo(204);
		HttpResponse<String> invalidated = send(post("/x/api/v1/pf/vfs/0/invalidations", "{\"blocks\": [2]}"));
		assertThat(invalidated.statusCode()).isEqualTo(202);
		HttpResponse<String> polled = send(get("/x/api/v1/vfs/0/invalidations?timeout=0"));
		assertThat(polled.statusCode()).isEqualTo(200);
		assertThat(polled.body()).contains("\"blocks\":[2]");
		HttpResponse<String> refused = send(get("/x/api/v1/pf/vfs/abc/block-writes?timeout=0"));
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("\"instance\":\"/x/api/v1/pf/vfs/abc/block-writes\"");
	}

	@Test
	void pollsAndTheInvalidationShouldNotBeServedOutsideTheContextPath() throws Exception {
		assertThat(send(get("/api/v1/vfs/0/invalidations?timeout=0")).statusCode()).isEqualTo(404);
		assertThat(send(post("/api/v1/pf/vfs/0/invalidations", "{\"blocks\": [2]}")).statusCode()).isEqualTo(404);
	}

	@Test
	void parkedPollsUnderTheContextPathShouldNotHoldTheBusyLimitsPlaces() throws Exception {
		var parked = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
		for (int vf = 1; vf <= 2; vf++) {
			parked.add(this.http.sendAsync(get("/x/api/v1/vfs/" + vf + "/invalidations?timeout=30s"),
					HttpResponse.BodyHandlers.ofString()));
		}
		org.awaitility.Awaitility.await().until(() -> this.adapter.stats().parkedPolls() == 2);
		// Held back by the limit of one busy request if the polls held it: 503 after the I/O timeout.
		HttpResponse<String> vf = send(get("/x/api/v1/pf/vfs/0"));
		assertThat(vf.statusCode()).isEqualTo(200);
		this.adapter.invalidate(1, org.vsriov.adapter.BlockMask.parse("0x1"));
		this.adapter.invalidate(2, org.vsriov.adapter.BlockMask.parse("0x1"));
		for (var poll : parked) {
			assertThat(poll.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(uri(path)).build();
	}

	private HttpRequest post(String path, String json) {
		return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)).build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
