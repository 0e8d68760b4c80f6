package org.vsriov.web;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API on a real server: its token on every admin path, and a reset that ends what waits
 * and leaves the adapter as it started, also while agents keep using it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.admin.token=s3cret", "vsriov.initial-vfs=2", "vsriov.total-vfs=8" })
class AdminServerTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String TOKEN = "Bearer s3cret";

	@LocalServerPort
	private int port;

	private JsonHttp http;

	@BeforeEach
	void connect() {
		this.http = new JsonHttp(this.port);
	}

	@Test
	void everyAdminPathShouldNeedTheToken() throws Exception {
		// The same operation however its path is written: with path parameters, %-escapes.
		for (String path : List.of("/api/v1/admin/reset", "/api/v1/admin;x/reset", "/api;x/v1/admin/reset",
				"/api/v1/%61dmin/reset", "/api/v1/admin/reset;y")) {
			HttpResponse<String> none = this.http.send("POST", path, null);
			assertThat(none.statusCode()).as(path).isEqualTo(401);
			assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying((value) -> assertThat(value).startsWith("Bearer"));
			assertThat(JSON.readTree(none.body()).get("type").asString()).endsWith("/unauthorized");
			assertThat(this.http.send("POST", path, null, "Authorization", "Bearer wrong").statusCode()).as(path).isEqualTo(401);
			assertThat(this.http.send("POST", path, null, "Authorization", "Basic czNjcmV0").statusCode()).as(path).isEqualTo(401);
		}
		// Every other admin operation too, and nothing changes without the token.
		String rule = "{\"on\": \"vf-read\", \"action\": \"fail\"}";
		for (String[] call : List.of(new String[] { "POST", "/api/v1/admin/faults", rule },
				new String[] { "GET", "/api/v1/admin/faults", null }, new String[] { "GET", "/api/v1/admin/faults/1", null },
				new String[] { "DELETE", "/api/v1/admin/faults/1", null }, new String[] { "DELETE", "/api/v1/admin/faults", null },
				new String[] { "GET", "/api/v1/admin/journal?timeout=0", null },
				new String[] { "DELETE", "/api/v1/admin/journal", null })) {
			HttpResponse<String> none = this.http.send(call[0], call[1], call[2]);
			assertThat(none.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
			assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		}
		assertThat(this.http.send("GET", "/api/v1/vfs/0/config-blocks/1", null).statusCode()).isEqualTo(200);
		assertThat(this.http.send("POST", "/api/v1/admin/faults", rule, "Authorization", TOKEN).statusCode()).isEqualTo(201);
		assertThat(this.http.send("GET", "/api/v1/admin/journal?timeout=0", null, "Authorization", TOKEN).statusCode())
			.isEqualTo(200);
		assertThat(this.http.send("POST", "/api/v1/admin/reset", null, "Authorization", TOKEN).statusCode()).isEqualTo(204);
		assertThat(this.http.send("POST", "/api/v1/admin/reset", null, "Authorization", "bearer s3cret").statusCode()).isEqualTo(204);
		// Other paths need no token.
		assertThat(this.http.send("GET", "/api/v1/pf", null).statusCode()).isEqualTo(200);
	}

	@Test
	void resetShouldEndWhatWaitsAndLeaveTheAdapterAsItStarted() throws Exception {
		assertThat(this.http.send("POST", "/api/v1/pf/vfs", "{\"vfId\": 5}").statusCode()).isEqualTo(201);
		assertThat(this.http.send("PUT", "/api/v1/pf/vfs/0/config-blocks/3", "{\"hex\": \"0102\"}").statusCode()).isEqualTo(200);
		assertThat(this.http.send("PUT", "/api/v1/pf/vfs/1/block-source", "{\"blockSource\": \"pf\"}").statusCode()).isEqualTo(204);
		String cursor = JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/0", null).body()).get("cursor").asString();
		CompletableFuture<HttpResponse<String>> poll = this.http.sendAsync("GET",
				"/api/v1/vfs/0/invalidations?after=" + cursor + "&timeout=1m", null);
		CompletableFuture<HttpResponse<String>> read = this.http.sendAsync("GET", "/api/v1/vfs/1/config-blocks/2", null);
		assertThat(this.http.send("GET", "/api/v1/pf/oid-requests?timeout=10s", null).statusCode()).isEqualTo(200);

		assertThat(this.http.send("POST", "/api/v1/admin/reset", null, "Authorization", TOKEN).statusCode()).isEqualTo(204);
		HttpResponse<String> ended = poll.get(10, TimeUnit.SECONDS);
		assertThat(ended.statusCode()).isEqualTo(410);
		assertThat(JSON.readTree(ended.body()).get("type").asString()).endsWith("/vf-gone");
		assertThat(read.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(410);
		JsonNode adapter = JSON.readTree(this.http.send("GET", "/api/v1/pf", null).body());
		assertThat(adapter.get("vfs").findValuesAsString("blockSource")).containsExactly("store", "store");
		assertThat(adapter.get("vfs").findValues("vfId")).extracting(JsonNode::asInt).containsExactly(0, 1);
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/0/config-blocks/3", null).body()).get("version").asInt()).isZero();
		assertThat(this.http.send("GET", "/api/v1/vfs/0/invalidations?after=" + cursor + "&timeout=0", null).statusCode()).isEqualTo(410);
	}

	/**
	 * Agents keep invalidating, polling and writing while resets run: every request is answered, and
	 * once they stop, one more reset leaves exactly the initial VFs, zeroed, with nothing waiting.
	 */
	@Test
	void resetsRacingLiveTrafficShouldLeaveACleanStateAndNoRequestHanging() throws Exception {
		// Faults that fire now and then while the agents run: the resets remove them.
		assertThat(this.http.send("POST", "/api/v1/admin/faults", "{\"on\": \"delivery\", \"action\": \"delay\", "
				+ "\"delay\": \"50ms\", \"times\": null, \"probability\": 0.5}", "Authorization", TOKEN).statusCode())
			.isEqualTo(201);
		var stop = new AtomicBoolean();
		ExecutorService agents = Executors.newFixedThreadPool(4);
		try {
			var work = new ArrayList<Future<Integer>>();
			for (int vf = 0; vf < 2; vf++) {
				int vfId = vf;
				work.add(agents.submit(() -> loop(stop, () -> this.http.send("POST", "/api/v1/pf/vfs/" + vfId + "/invalidations",
						"{\"blockMask\": \"0x3\"}"))));
				work.add(agents.submit(() -> loop(stop, () -> {
					this.http.send("PUT", "/api/v1/vfs/" + vfId + "/config-blocks/1", "{\"hex\": \"ff\"}");
					return this.http.send("GET", "/api/v1/vfs/" + vfId + "/invalidations?timeout=200ms", null);
				})));
			}
			for (int i = 0; i < 20; i++) {
				assertThat(this.http.send("POST", "/api/v1/admin/reset", null, "Authorization", TOKEN).statusCode()).isEqualTo(204);
			}
			stop.set(true);
			for (Future<Integer> agent : work) {
				assertThat(agent.get(30, TimeUnit.SECONDS)).as("requests answered").isPositive();
			}
		}
		finally {
			agents.shutdownNow();
		}
		assertThat(this.http.send("POST", "/api/v1/admin/reset", null, "Authorization", TOKEN).statusCode()).isEqualTo(204);
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/admin/faults", null, "Authorization", TOKEN).body())
			.get("faults").size()).isZero();
		assertThat(this.http.send("GET", "/api/v1/admin/journal?timeout=0", null, "Authorization", TOKEN).statusCode())
			.isEqualTo(204);
		JsonNode adapter = JSON.readTree(this.http.send("GET", "/api/v1/pf", null).body());
		assertThat(adapter.get("vfs").findValues("vfId")).extracting(JsonNode::asInt).containsExactly(0, 1);
		for (JsonNode vf : adapter.get("vfs")) {
			assertThat(vf.get("pendingMask").asString()).isEqualTo("0x0000000000000000");
			assertThat(vf.get("writtenBlocks").size()).isZero();
			assertThat(vf.get("waiters").asInt()).isZero();
		}
	}

	@FunctionalInterface
	private interface Call {

		HttpResponse<String> send() throws Exception;

	}

	/** Calls until stopped; every call must be answered (any status below 500). */
	private static int loop(AtomicBoolean stop, Call call) throws Exception {
		int answered = 0;
		while (!stop.get()) {
			int status = call.send().statusCode();
			assertThat(status).isLessThan(500);
			answered++;
		}
		return answered;
	}

}
