package org.vsriov.web;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test instrument on a real server, driven as a test suite drives it: each fault action on
 * each step it acts on, and the journal's await, NDJSON and Mermaid.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.initial-vfs=4", "vsriov.total-vfs=8", "vsriov.oid.timeout=500ms" })
class InstrumentServerTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@LocalServerPort
	private int port;

	private JsonHttp http;

	@BeforeEach
	void reset() throws Exception {
		this.http = new JsonHttp(this.port);
		assertThat(this.http.send("POST", "/api/v1/admin/reset", null).statusCode()).isEqualTo(204);
	}

	@Test
	void aFailedReadShouldBeA502AndFireOnlyItsTimes() throws Exception {
		HttpResponse<String> added = fault("{\"on\": \"vf-read\", \"vfId\": 0, \"blockId\": 5, \"action\": \"fail\", "
				+ "\"status\": \"NDIS_STATUS_INVALID_LENGTH\"}");
		assertThat(added.statusCode()).isEqualTo(201);
		JsonNode rule = JSON.readTree(added.body());
		assertThat(added.headers().firstValue("Location")).hasValue("/api/v1/admin/faults/" + rule.get("id").asLong());
		assertThat(rule.get("times").asInt()).isEqualTo(1);
		assertThat(this.http.send("GET", "/api/v1/vfs/0/config-blocks/4", null).statusCode()).isEqualTo(200);
		HttpResponse<String> failed = this.http.send("GET", "/api/v1/vfs/0/config-blocks/5", null);
		assertThat(failed.statusCode()).isEqualTo(502);
		assertThat(failed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(failed.body()).get("ndisStatus").asString()).isEqualTo("NDIS_STATUS_INVALID_LENGTH");
		assertThat(this.http.send("GET", "/api/v1/vfs/0/config-blocks/5", null).statusCode()).isEqualTo(200);
		JsonNode listed = JSON.readTree(this.http.send("GET", "/api/v1/admin/faults", null).body()).get("faults").get(0);
		assertThat(listed.get("fired").asInt()).isEqualTo(1);
		assertThat(listed.get("remaining").asInt()).isZero();
	}

	@Test
	void aFailedWriteShouldStoreNothing() throws Exception {
		fault("{\"on\": \"vf-write\", \"action\": \"fail\"}");
		assertThat(this.http.send("PUT", "/api/v1/vfs/1/config-blocks/2", "{\"hex\": \"0102\"}").statusCode()).isEqualTo(502);
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/1/config-blocks/2", null).body()).get("version")
			.asInt()).isZero();
		assertThat(this.http.send("GET", "/api/v1/pf/vfs/1/block-writes?timeout=0", null).statusCode()).isEqualTo(204);
	}

	@Test
	void aShortReadShouldGiveTheFirstBytesOnly() throws Exception {
		this.http.send("PUT", "/api/v1/pf/vfs/2/config-blocks/1", "{\"hex\": \"0102030405\"}");
		fault("{\"on\": \"vf-read\", \"vfId\": 2, \"action\": \"short-read\", \"length\": 2}");
		JsonNode block = JSON.readTree(this.http.send("GET", "/api/v1/vfs/2/config-blocks/1", null).body());
		assertThat(block.get("hex").asString()).isEqualTo("0102");
		assertThat(block.get("length").asInt()).isEqualTo(2);
	}

	@Test
	void aDelayedWriteAndADelayedInvalidationShouldWaitFirst() throws Exception {
		fault("{\"on\": \"vf-write\", \"action\": \"delay\", \"delay\": \"300ms\"}");
		fault("{\"on\": \"invalidation\", \"action\": \"delay\", \"delay\": \"300ms\"}");
		long start = System.nanoTime();
		assertThat(this.http.send("PUT", "/api/v1/vfs/1/config-blocks/2", "{\"hex\": \"01\"}").statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		start = System.nanoTime();
		HttpResponse<String> invalidated = this.http.send("POST", "/api/v1/pf/vfs/1/invalidations", "{\"blocks\": [3]}");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(invalidated.statusCode()).isEqualTo(202);
		assertThat(JSON.readTree(invalidated.body()).get("pendingMask").asString()).isEqualTo("0x0000000000000008");
	}

	@Test
	void aDroppedInvalidationShouldBeAcceptedAndNeverMerged() throws Exception {
		fault("{\"on\": \"invalidation\", \"vfId\": 3, \"blockId\": 4, \"action\": \"drop\"}");
		HttpResponse<String> dropped = this.http.send("POST", "/api/v1/pf/vfs/3/invalidations", "{\"blocks\": [4]}");
		assertThat(dropped.statusCode()).isEqualTo(202);
		assertThat(JSON.readTree(dropped.body()).get("pendingMask").asString()).isEqualTo("0x0000000000000000");
		assertThat(this.http.send("GET", "/api/v1/vfs/3/invalidations?timeout=0", null).statusCode()).isEqualTo(204);
		JsonNode events = JSON.readTree(this.http.send("GET", "/api/v1/admin/journal?vfId=3&timeout=0", null).body())
			.get("events");
		assertThat(events.findValuesAsString("op")).containsExactly("fault", "poll-timeout");
		assertThat(events.get(0).get("action").asString()).isEqualTo("drop");
		assertThat(events.get(0).get("mask").asString()).isEqualTo("0x0000000000000010");
	}

	/** The poll's answer is lost after it took its bits: the VF's cursor loop still gets them. */
	@Test
	void aDroppedDeliveryShouldCloseTheConnectionWithoutAnAnswer() throws Exception {
		String cursor = JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/0", null).body()).get("cursor").asString();
		fault("{\"on\": \"delivery\", \"vfId\": 0, \"action\": \"drop\"}");
		try (Socket socket = RawHttp.send(this.port, "GET /api/v1/vfs/0/invalidations?timeout=30s&after=" + cursor
				+ " HTTP/1.1\r\nHost: x\r\n\r\n")) {
			InputStream in = socket.getInputStream();
			awaitWaiters(0);
			this.http.send("POST", "/api/v1/pf/vfs/0/invalidations", "{\"blocks\": [1, 2]}");
			assertThat(in.read()).isEqualTo(-1);
		}
		HttpResponse<String> again = this.http.send("GET", "/api/v1/vfs/0/invalidations?timeout=0&after=" + cursor, null);
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(again.body()).get("blockMask").asString()).isEqualTo("0x0000000000000006");
	}

	@Test
	void aResetOrFreeBeforeAStepShouldEndTheVfsConversation() throws Exception {
		String cursor = JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/1", null).body()).get("cursor").asString();
		fault("{\"on\": \"vf-read\", \"vfId\": 1, \"action\": \"reset-vf\"}");
		assertThat(this.http.send("GET", "/api/v1/vfs/1/config-blocks/0", null).statusCode()).isEqualTo(200);
		HttpResponse<String> stale = this.http.send("GET", "/api/v1/vfs/1/invalidations?timeout=0&after=" + cursor, null);
		assertThat(stale.statusCode()).isEqualTo(410);
		assertThat(JSON.readTree(stale.body()).get("type").asString()).endsWith("/stale-cursor");
		fault("{\"on\": \"invalidation\", \"vfId\": 2, \"action\": \"free-vf\"}");
		assertThat(this.http.send("POST", "/api/v1/pf/vfs/2/invalidations", "{\"blocks\": [1]}").statusCode()).isEqualTo(404);
	}

	@Test
	void aWriteRefusedAnywayShouldFireNothing() throws Exception {
		String cursor = JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/0", null).body()).get("cursor").asString();
		fault("{\"on\": \"vf-write\", \"vfId\": 0, \"action\": \"reset-vf\"}");
		assertThat(this.http.send("PUT", "/api/v1/vfs/0/config-blocks/1", "{\"hex\": \"01\"}", "If-Match", "\"999\"")
			.statusCode()).isEqualTo(412);
		assertThat(this.http.send("PUT", "/api/v1/vfs/0/config-blocks/1", "{\"hex\": \"01\"}", "If-Match", "999")
			.statusCode()).isEqualTo(400);
		assertThat(this.http.send("PUT", "/api/v1/vfs/0/config-blocks/1", "{\"hex\": \"\"}").statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/admin/faults", null).body()).get("faults").get(0)
			.get("fired").asInt()).isZero();
		assertThat(this.http.send("GET", "/api/v1/vfs/0/invalidations?timeout=0&after=" + cursor, null).statusCode())
			.isEqualTo(204);
		// The next write that is taken resets the VF first.
		assertThat(this.http.send("PUT", "/api/v1/vfs/0/config-blocks/1", "{\"hex\": \"01\"}").statusCode()).isEqualTo(200);
		assertThat(this.http.send("GET", "/api/v1/vfs/0/invalidations?timeout=0&after=" + cursor, null).statusCode())
			.isEqualTo(410);
	}

	@Test
	void aDelayedReadShouldWaitFirst() throws Exception {
		fault("{\"on\": \"vf-read\", \"vfId\": 1, \"action\": \"delay\", \"delay\": \"300ms\"}");
		long start = System.nanoTime();
		assertThat(this.http.send("GET", "/api/v1/vfs/1/config-blocks/1", null).statusCode()).isEqualTo(200);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void aFreeBeforeADeliveryOrAnOidRequestShouldEndTheStep() throws Exception {
		String cursor = JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/2", null).body()).get("cursor").asString();
		fault("{\"on\": \"delivery\", \"vfId\": 2, \"action\": \"free-vf\"}");
		CompletableFuture<HttpResponse<String>> poll = this.http.sendAsync("GET",
				"/api/v1/vfs/2/invalidations?timeout=30s&after=" + cursor, null);
		awaitWaiters(2);
		this.http.send("POST", "/api/v1/pf/vfs/2/invalidations", "{\"blocks\": [1]}");
		HttpResponse<String> gone = poll.get(10, TimeUnit.SECONDS);
		assertThat(gone.statusCode()).isEqualTo(410);
		assertThat(JSON.readTree(gone.body()).get("type").asString()).endsWith("/vf-gone");

		this.http.send("PUT", "/api/v1/pf/vfs/3/block-source", "{\"blockSource\": \"pf\"}");
		fault("{\"on\": \"oid-request\", \"vfId\": 3, \"action\": \"free-vf\"}");
		assertThat(this.http.send("GET", "/api/v1/vfs/3/config-blocks/1", null).statusCode()).isEqualTo(404);
		assertThat(this.http.send("GET", "/api/v1/pf/oid-requests?timeout=0", null).statusCode()).isEqualTo(204);
	}

	/** With block source pf: a fail never reaches the PF, and a short read cuts the PF's answer, not the request. */
	@Test
	void failAndShortReadShouldActOnWhatTheVfGetsWhenThePfAnswers() throws Exception {
		this.http.send("PUT", "/api/v1/pf/vfs/1/block-source", "{\"blockSource\": \"pf\"}");
		fault("{\"on\": \"vf-read\", \"vfId\": 1, \"blockId\": 2, \"action\": \"fail\"}");
		assertThat(this.http.send("GET", "/api/v1/vfs/1/config-blocks/2", null).statusCode()).isEqualTo(502);
		assertThat(this.http.send("GET", "/api/v1/pf/oid-requests?timeout=0", null).statusCode()).isEqualTo(204);

		fault("{\"on\": \"vf-read\", \"vfId\": 1, \"action\": \"short-read\", \"length\": 3}");
		CompletableFuture<HttpResponse<String>> read = this.http.sendAsync("GET", "/api/v1/vfs/1/config-blocks/4?length=8", null);
		JsonNode request = JSON.readTree(this.http.send("GET", "/api/v1/pf/oid-requests?timeout=10s", null).body())
			.get("requests").get(0);
		assertThat(request.get("length").asInt()).isEqualTo(8);
		assertThat(this.http.send("POST", "/api/v1/pf/oid-requests/" + request.get("requestId").asLong(),
				"{\"status\": \"NDIS_STATUS_SUCCESS\", \"hex\": \"0102030405060708\"}").statusCode()).isEqualTo(204);
		assertThat(JSON.readTree(read.get(10, TimeUnit.SECONDS).body()).get("hex").asString()).isEqualTo("010203");
	}

	@Test
	void badRulesShouldBeRefusedWithTheirMistakeNamed() throws Exception {
		for (String body : new String[] { "{\"on\": \"vf-read\"}", "{\"on\": \"vf-reed\", \"action\": \"fail\"}",
				"{\"on\": \"vf-read\", \"action\": \"drop\"}", "{\"on\": \"vf-read\", \"action\": \"fail\", \"tims\": 2}",
				"{\"on\": \"vf-read\", \"action\": \"fail\", \"times\": 0}",
				"{\"on\": \"vf-read\", \"action\": \"delay\", \"delay\": \"soon\"}",
				"{\"on\": \"vf-read\", \"action\": \"fail\", \"status\": \"NDIS_STATUS_OOPS\"}",
				"{\"on\": \"vf-read\", \"action\": \"fail\", \"probability\": 1.5}", "[]" }) {
			HttpResponse<String> refused = fault(body);
			assertThat(refused.statusCode()).as(body).isEqualTo(400);
			assertThat(JSON.readTree(refused.body()).get("status").asInt()).as(body).isEqualTo(400);
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		}
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/admin/faults", null).body()).get("faults").size()).isZero();
		assertThat(this.http.send("DELETE", "/api/v1/admin/faults/99", null).statusCode()).isEqualTo(404);
		HttpResponse<String> untilDeleted = fault("{\"on\": \"vf-read\", \"action\": \"fail\", \"times\": null}");
		JsonNode rule = JSON.readTree(untilDeleted.body());
		assertThat(rule.has("times")).isFalse();
		assertThat(rule.has("remaining")).isFalse();
		assertThat(this.http.send("DELETE", "/api/v1/admin/faults/" + rule.get("id").asLong(), null).statusCode())
			.isEqualTo(204);
	}

	@Test
	void anAwaitShouldReturnWhenTheVfReadsTheBlock() throws Exception {
		CompletableFuture<HttpResponse<String>> await = this.http.sendAsync("GET",
				"/api/v1/admin/journal?vfId=0&op=read&blockId=5&timeout=10s", null);
		this.http.send("GET", "/api/v1/vfs/0/config-blocks/4", null);
		this.http.send("GET", "/api/v1/vfs/1/config-blocks/5", null);
		assertThat(await).isNotDone();
		this.http.send("GET", "/api/v1/vfs/0/config-blocks/5?length=3", null);
		HttpResponse<String> done = await.get(10, TimeUnit.SECONDS);
		assertThat(done.statusCode()).isEqualTo(200);
		JsonNode answer = JSON.readTree(done.body());
		assertThat(answer.get("events")).singleElement().satisfies((event) -> {
			assertThat(event.get("role").asString()).isEqualTo("VF");
			assertThat(event.get("length").asInt()).isEqualTo(3);
			assertThat(event.has("mask")).isFalse();
		});
		assertThat(done.headers().firstValue("Vsriov-Cursor")).hasValue(answer.get("cursor").asString());
		HttpResponse<String> none = this.http.send("GET",
				"/api/v1/admin/journal?op=read&timeout=0&after=" + answer.get("cursor").asString(), null);
		assertThat(none.statusCode()).isEqualTo(204);
		assertThat(none.headers().firstValue("Vsriov-Cursor")).isPresent();
	}

	@Test
	void theJournalShouldComeAsNdjsonAndAsMermaid() throws Exception {
		fault("{\"on\": \"vf-read\", \"vfId\": 0, \"action\": \"fail\"}");
		this.http.send("POST", "/api/v1/pf/vfs/0/invalidations", "{\"blocks\": [5]}");
		this.http.send("GET", "/api/v1/vfs/0/invalidations?timeout=0", null);
		this.http.send("GET", "/api/v1/vfs/0/config-blocks/5", null);
		this.http.send("GET", "/api/v1/vfs/0/config-blocks/5", null);
		HttpResponse<String> ndjson = this.http.send("GET", "/api/v1/admin/journal?timeout=0", null, "Accept",
				"application/x-ndjson");
		assertThat(ndjson.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/x-ndjson"));
		String[] lines = ndjson.body().split("\n");
		assertThat(lines).hasSize(5);
		assertThat(lines).extracting((line) -> JSON.readTree(line).get("op").asString())
			.containsExactly("invalidate", "deliver", "fault", "read", "read");
		HttpResponse<String> mermaid = this.http.send("GET", "/api/v1/admin/journal?timeout=0&vfId=0", null, "Accept",
				"text/vnd.mermaid");
		assertThat(mermaid.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/vnd.mermaid"));
		assertThat(mermaid.body()).startsWith("sequenceDiagram\n")
			.contains("participant VF0 as VF 0")
			.contains("PF->>vsriov: invalidate VF 0 0x0000000000000020 blocks [5]")
			.contains("vsriov-->>VF0: deliver 0x0000000000000020 blocks [5]")
			.contains("Note over vsriov,VF0: fault 1 fires: fail NDIS_STATUS_FAILURE")
			.contains("VF0->>vsriov: read block 5, 128 bytes → NDIS_STATUS_FAILURE")
			.doesNotContain(";").doesNotContain("#");
		assertThat(this.http.send("DELETE", "/api/v1/admin/journal", null).statusCode()).isEqualTo(204);
		assertThat(this.http.send("GET", "/api/v1/admin/journal?timeout=0", null).statusCode()).isEqualTo(204);
	}

	@Test
	void badJournalPollsShouldBeRefused() throws Exception {
		assertThat(this.http.send("GET", "/api/v1/admin/journal?op=reed&timeout=0", null).statusCode()).isEqualTo(400);
		assertThat(this.http.send("GET", "/api/v1/admin/journal?after=nonsense&timeout=0", null).statusCode()).isEqualTo(400);
		assertThat(this.http.send("GET", "/api/v1/admin/journal?vfId=x&timeout=0", null).statusCode()).isEqualTo(400);
		// A filter lost to a typo, an empty value or a second value would match every event: refused.
		for (String query : new String[] { "vfid=0", "vfId=", "op=", "vfId=0&vfId=1", "op=read&op=write", "vfId=8",
				"blockId=64", "blockId=-1" }) {
			HttpResponse<String> refused = this.http.send("GET", "/api/v1/admin/journal?timeout=0&" + query, null);
			assertThat(refused.statusCode()).as(query).isEqualTo(400);
			assertThat(refused.headers().firstValue("Content-Type")).as(query).hasValue("application/problem+json");
			assertThat(refused.body()).as(query).doesNotContain("java.lang");
		}
		String cursor = this.http.send("GET", "/api/v1/admin/journal?timeout=0", null).headers()
			.firstValue("Vsriov-Cursor").orElseThrow();
		this.http.send("GET", "/api/v1/vfs/0/config-blocks/1", null);
		this.http.send("DELETE", "/api/v1/admin/journal", null);
		HttpResponse<String> stale = this.http.send("GET", "/api/v1/admin/journal?timeout=0&after=" + cursor, null);
		assertThat(stale.statusCode()).isEqualTo(410);
		assertThat(JSON.readTree(stale.body()).get("type").asString()).endsWith("/stale-cursor");
	}

	/** Waits until a poll of the VF is parked, as the PF sees it. */
	private void awaitWaiters(int vfId) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/" + vfId, null).body()).get("waiters").asInt() == 0) {
			assertThat(System.nanoTime()).as("a parked poll of VF " + vfId).isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private HttpResponse<String> fault(String body) throws Exception {
		return this.http.send("POST", "/api/v1/admin/faults", body);
	}

}
