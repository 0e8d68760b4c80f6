package org.vsriov.web;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;

import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The long poll on a real server: parking holds a connection but no thread, the adapter's own timer
 * answers 204 (never 503), and an invalidation completes parked polls over the wire.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.poll.default-timeout=300ms", "vsriov.poll.max-waiters-per-vf=64",
				"server.jetty.threads.max=6", "server.jetty.threads.min=2" })
@AutoConfigureRestTestClient
@Import(LongPollServerTest.AsyncDispatches.class)
class LongPollServerTest {

	private static final String CURSOR = "Vsriov-Cursor";

	@Autowired
	private RestTestClient client;

	@Autowired
	private VirtualAdapter adapter;

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void pollShouldTimeOutWith204AndTheUnchangedCursor() {
		String cursor = this.adapter.state(0).cursor().encode();
		long start = System.nanoTime();
		this.client.get()
			.uri("/api/v1/vfs/0/invalidations?after={cursor}&timeout=200ms", cursor)
			.exchange()
			.expectStatus().isNoContent()
			.expectHeader().valueEquals(CURSOR, cursor)
			.expectBody().isEmpty();
		// Up to 1/16 early (jitter), never sooner.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(187));
		assertThat(this.adapter.state(0).waiters()).isZero();
	}

	@Test
	void pollWithoutTimeoutShouldWaitTheConfiguredDefault() {
		long start = System.nanoTime();
		this.client.get().uri("/api/v1/vfs/1/invalidations").exchange().expectStatus().isNoContent()
			.expectHeader().exists(CURSOR);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(281));
	}

	@Test
	void manyParkedPollsShouldHoldNoThreadAndAllCompleteOnOneInvalidationWithoutASecondDispatch() throws Exception {
		// Twenty parked polls against a server with six threads in all.
		var polls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
		for (int i = 0; i < 20; i++) {
			polls.add(send(get("/api/v1/vfs/2/invalidations?timeout=1m")));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.adapter.state(2).waiters() == 20);
		this.client.get().uri("/api/v1/pf").exchange().expectStatus().isOk();
		this.client.post().uri("/api/v1/pf/vfs/2/invalidations").contentType(MediaType.APPLICATION_JSON)
			.body("{\"blocks\": [0, 63]}").exchange().expectStatus().isAccepted();
		for (CompletableFuture<HttpResponse<String>> poll : polls) {
			HttpResponse<String> response = poll.get(10, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"blockMask\":\"0x8000000000000001\"");
			assertThat(response.headers().firstValue(CURSOR)).isPresent();
		}
		assertThat(this.adapter.stats().parkedPolls()).isZero();
		// Written on the container's pool, not dispatched again through the filters and Spring MVC.
		assertThat(AsyncDispatches.count).hasValue(0);
	}

	@Test
	void cursorLoopShouldDeliverEachInvalidationOnceAndAcknowledgeIt() throws Exception {
		String cursor = this.client.get().uri("/api/v1/vfs/3/invalidations?timeout=0").exchange()
			.expectStatus().isNoContent().returnResult().getResponseHeaders().getFirst(CURSOR);
		CompletableFuture<HttpResponse<String>> parked = send(get("/api/v1/vfs/3/invalidations?timeout=30s&after=" + cursor));
		await().until(() -> this.adapter.state(3).waiters() == 1);
		this.adapter.invalidate(3, BlockMask.parse("0x6"));
		HttpResponse<String> delivered = parked.get(10, TimeUnit.SECONDS);
		assertThat(delivered.statusCode()).isEqualTo(200);
		assertThat(delivered.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(delivered.headers().firstValueAsLong("Content-Length"))
			.hasValue(delivered.body().getBytes(StandardCharsets.UTF_8).length);
		assertThat(delivered.body()).contains("\"blockMask\":\"0x0000000000000006\"");
		String next = delivered.headers().firstValue(CURSOR).orElseThrow();
		assertThat(this.adapter.state(3).pendingMask().bits()).isEqualTo(0x6);
		this.client.get().uri("/api/v1/vfs/3/invalidations?timeout=0&after={cursor}", next).exchange()
			.expectStatus().isNoContent().expectHeader().valueEquals(CURSOR, next);
		assertThat(this.adapter.state(3).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void clientThatGoesAwayShouldLeaveNoWaiterBehindOnceItsTimeoutPasses() throws Exception {
		// The Servlet API does not report a client that went away: its poll keeps its place until it times out.
		try (var socket = RawHttp.send(this.port, "GET /api/v1/vfs/0/invalidations?timeout=1s HTTP/1.1\r\n"
				+ "Host: localhost\r\n\r\n")) {
			await().until(() -> this.adapter.state(0).waiters() == 1);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.adapter.state(0).waiters() == 0);
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void chunkedBodyOverTheLimitShouldGet413() throws Exception {
		var request = HttpRequest.newBuilder(uri("/api/v1/pf/vfs/0/config-blocks/1"))
			.header("Content-Type", "application/octet-stream")
			.PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[20_000])))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body()).contains(ProblemType.BASE + "body-too-large");
		assertThat(this.adapter.read(0, 1, org.vsriov.adapter.Role.PF).version()).isZero();
	}

	@Test
	void freeShouldEndParkedPollsOfBothKindsWith410VfGoneAtOnce() throws Exception {
		assertEndedOverTheWire("/api/v1/pf/vfs/10", "DELETE", 10, "vf-gone");
		this.client.get().uri("/api/v1/vfs/10/invalidations?timeout=0").exchange().expectStatus().isNotFound();
	}

	@Test
	void resetShouldEndParkedPollsOfBothKindsWith410VfResetAtOnce() throws Exception {
		assertEndedOverTheWire("/api/v1/pf/vfs/11/reset", "POST", 11, "vf-reset");
		this.client.get().uri("/api/v1/vfs/11/invalidations?timeout=0").exchange().expectStatus().isNoContent();
	}

	@Test
	void blockWritePollShouldTimeOutWith204AndTheCursorOrDeliverAVfWrite() throws Exception {
		this.client.post().uri("/api/v1/pf/vfs").contentType(MediaType.APPLICATION_JSON).body("{\"vfId\": 12}")
			.exchange().expectStatus().isCreated();
		String cursor = this.adapter.blockWritesCursor(12).encode();
		this.client.get().uri("/api/v1/pf/vfs/12/block-writes?after={cursor}&timeout=200ms", cursor).exchange()
			.expectStatus().isNoContent().expectHeader().valueEquals(CURSOR, cursor).expectBody().isEmpty();
		var parked = send(get("/api/v1/pf/vfs/12/block-writes?timeout=1m&after=" + cursor));
		await().until(() -> this.adapter.state(12).writeWaiters() == 1);
		this.client.put().uri("/api/v1/vfs/12/config-blocks/4").contentType(MediaType.APPLICATION_JSON)
			.body("{\"hex\": \"c0ffee\"}").exchange().expectStatus().isOk();
		HttpResponse<String> response = parked.get(10, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"blockId\":4", "\"hex\":\"c0ffee\"", "\"length\":3");
		assertThat(response.headers().firstValue(CURSOR)).isPresent().isNotEqualTo(cursor);
	}

	/** Parks both long polls of a fresh VF for minutes, ends the VF, and expects both 410s at once. */
	private void assertEndedOverTheWire(String endPath, String endMethod, int vfId, String slug) throws Exception {
		this.client.post().uri("/api/v1/pf/vfs").contentType(MediaType.APPLICATION_JSON)
			.body("{\"vfId\": " + vfId + "}").exchange().expectStatus().isCreated();
		var polls = new ArrayList<CompletableFuture<HttpResponse<String>>>();
		polls.add(send(get("/api/v1/vfs/" + vfId + "/invalidations?timeout=5m")));
		polls.add(send(get("/api/v1/vfs/" + vfId + "/invalidations?timeout=5m&after="
				+ this.adapter.state(vfId).cursor().encode())));
		polls.add(send(get("/api/v1/pf/vfs/" + vfId + "/block-writes?timeout=5m")));
		await().until(() -> this.adapter.state(vfId).waiters() == 2 && this.adapter.state(vfId).writeWaiters() == 1);
		HttpResponse<String> ended = this.http.send(HttpRequest.newBuilder(uri(endPath))
			.method(endMethod, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(ended.statusCode()).isEqualTo(204);
		for (CompletableFuture<HttpResponse<String>> poll : polls) {
			HttpResponse<String> response = poll.get(10, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(410);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.body()).contains(ProblemType.BASE + slug, "\"vfId\":" + vfId, "\"status\":410",
					"\"instance\":\"" + response.uri().getPath() + "\"");
		}
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(uri(path)).GET().build();
	}

	private CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/** Counts the requests dispatched a second time (Servlet async dispatches). */
	@TestConfiguration(proxyBeanMethods = false)
	static class AsyncDispatches {

		static final AtomicInteger count = new AtomicInteger();

		@Bean
		FilterRegistrationBean<Filter> asyncDispatchCounter() {
			var counter = new FilterRegistrationBean<Filter>((request, response, chain) -> {
				count.incrementAndGet();
				chain.doFilter(request, response);
			});
			counter.setDispatcherTypes(DispatcherType.ASYNC);
			return counter;
		}

	}

}
