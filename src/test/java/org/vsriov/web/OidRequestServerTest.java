package org.vsriov.web;

import java.net.http.HttpRequest;
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
 * VF reads and writes answered by a PF agent (block source pf), over the wire: the VF's request
 * waits while an agent thread takes the OID request from its long poll and completes it, fails it,
 * or lets it time out; a free ends it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.oid.timeout=1500ms", "server.jetty.threads.max=8", "server.jetty.threads.min=2" })
class OidRequestServerTest {

	private static final JsonMapper JSON = JsonMapper.shared();

	@LocalServerPort
	private int port;

	private JsonHttp http;

	@BeforeEach
	void connect() {
		this.http = new JsonHttp(this.port);
	}

	@Test
	void aVfReadShouldBeAnsweredWithTheBytesAnAgentCompletesItWith() throws Exception {
		usePf(1);
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/1", null).body()).get("blockSource").asString())
			.isEqualTo("pf");
		CompletableFuture<HttpResponse<String>> read = this.http.sendAsync("GET", "/api/v1/vfs/1/config-blocks/5?length=4", null);
		JsonNode request = takeOne();
		assertThat(request.get("oid").asString()).isEqualTo("OID_SRIOV_READ_VF_CONFIG_BLOCK");
		assertThat(request.get("code").asString()).isEqualTo("0x00010253");
		assertThat(request.get("vfId").asInt()).isEqualTo(1);
		assertThat(request.get("blockId").asInt()).isEqualTo(5);
		assertThat(request.get("length").asInt()).isEqualTo(4);
		assertThat(request.has("hex")).isFalse();
		assertThat(read).isNotDone();
		// A short read: 3 of the 4 bytes asked for.
		assertThat(complete(request, "{\"status\": \"NDIS_STATUS_SUCCESS\", \"hex\": \"0a0b0c\"}").statusCode()).isEqualTo(204);
		HttpResponse<String> answer = read.get(10, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.headers().firstValue("ETag")).isEmpty();
		JsonNode block = JSON.readTree(answer.body());
		assertThat(block.get("hex").asString()).isEqualTo("0a0b0c");
		assertThat(block.get("length").asInt()).isEqualTo(3);
		assertThat(block.get("version").isNull()).isTrue();
		assertThat(block.get("updatedBy").asString()).isEqualTo("PF");
		// Completed once: a second completion is a conflict.
		HttpResponse<String> again = complete(request, "{\"status\": \"NDIS_STATUS_SUCCESS\"}");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(again.body()).get("type").asString()).endsWith("/oid-request-ended");
	}

	@Test
	void aRawReadAndAWriteShouldGoToTheAgentAndTheWriteToTheLog() throws Exception {
		usePf(2);
		HttpRequest raw = HttpRequest.newBuilder(this.http.uri("/api/v1/vfs/2/config-blocks/0?length=2"))
			.header("Accept", "application/octet-stream").GET().build();
		CompletableFuture<HttpResponse<byte[]>> read = this.http.client().sendAsync(raw, HttpResponse.BodyHandlers.ofByteArray());
		complete(takeOne(), "{\"status\": \"NDIS_STATUS_SUCCESS\", \"base64\": \"AQI=\"}");
		HttpResponse<byte[]> bytes = read.get(10, TimeUnit.SECONDS);
		assertThat(bytes.statusCode()).isEqualTo(200);
		assertThat(bytes.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
		assertThat(bytes.body()).containsExactly(1, 2);

		assertThat(this.http.send("PUT", "/api/v1/vfs/2/config-blocks/0", "{\"hex\": \"ff\"}", "If-Match", "\"0\"").statusCode())
			.isEqualTo(400);
		CompletableFuture<HttpResponse<String>> write = this.http.sendAsync("PUT", "/api/v1/vfs/2/config-blocks/7", "{\"hex\": \"c0ffee\"}");
		JsonNode request = takeOne();
		assertThat(request.get("oid").asString()).isEqualTo("OID_SRIOV_WRITE_VF_CONFIG_BLOCK");
		assertThat(request.get("hex").asString()).isEqualTo("c0ffee");
		HttpResponse<String> dataOnAWrite = complete(request, "{\"status\": \"NDIS_STATUS_SUCCESS\", \"hex\": \"00\"}");
		assertThat(dataOnAWrite.statusCode()).isEqualTo(400);
		// The problem's status is the HTTP status; the NDIS status is a member of its own.
		JsonNode refused = JSON.readTree(dataOnAWrite.body());
		assertThat(refused.get("status").asInt()).isEqualTo(400);
		assertThat(refused.get("ndisStatus").asString()).isEqualTo("NDIS_STATUS_SUCCESS");
		assertThat(complete(request, "{\"status\": \"NDIS_STATUS_SUCCESS\"}").statusCode()).isEqualTo(204);
		HttpResponse<String> written = write.get(10, TimeUnit.SECONDS);
		assertThat(written.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(written.body()).get("hex").asString()).isEqualTo("c0ffee");
		JsonNode log = JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/2/block-writes?timeout=0", null).body());
		assertThat(log.get("writes").get(0).get("hex").asString()).isEqualTo("c0ffee");
		// The store is as it was.
		assertThat(JSON.readTree(this.http.send("GET", "/api/v1/pf/vfs/2/config-blocks/7", null).body()).get("version").asInt())
			.isZero();
	}

	@Test
	void aFailedRequestShouldBe502AndAnUnansweredOne504() throws Exception {
		usePf(3);
		CompletableFuture<HttpResponse<String>> failed = this.http.sendAsync("GET", "/api/v1/vfs/3/config-blocks/9", null);
		complete(takeOne(), "{\"status\": \"NDIS_STATUS_INVALID_LENGTH\", \"bytesNeeded\": 64}");
		HttpResponse<String> badGateway = failed.get(10, TimeUnit.SECONDS);
		assertThat(badGateway.statusCode()).isEqualTo(502);
		assertThat(badGateway.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = JSON.readTree(badGateway.body());
		assertThat(problem.get("type").asString()).endsWith("/pf-failed");
		assertThat(problem.get("ndisStatus").asString()).isEqualTo("NDIS_STATUS_INVALID_LENGTH");
		assertThat(problem.get("bytesNeeded").asInt()).isEqualTo(64);

		long start = System.nanoTime();
		HttpResponse<String> timedOut = this.http.send("GET", "/api/v1/vfs/3/config-blocks/9", null);
		assertThat(timedOut.statusCode()).isEqualTo(504);
		assertThat(JSON.readTree(timedOut.body()).get("type").asString()).endsWith("/pf-timeout");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
		String metrics = this.http.send("GET", "/actuator/prometheus", null).body();
		assertThat(metrics).contains("vsriov_oid_requests_timed_out_total", "vsriov_oid_requests_failed_total",
				"vsriov_oid_requests_pending", "vsriov_oid_completion_seconds_bucket");
	}

	@Test
	void aFreeShouldEndTheWaitingReadWith410() throws Exception {
		usePf(0);
		CompletableFuture<HttpResponse<String>> read = this.http.sendAsync("GET", "/api/v1/vfs/0/config-blocks/1", null);
		JsonNode request = takeOne();
		assertThat(this.http.send("DELETE", "/api/v1/pf/vfs/0", null).statusCode()).isEqualTo(204);
		HttpResponse<String> gone = read.get(10, TimeUnit.SECONDS);
		assertThat(gone.statusCode()).isEqualTo(410);
		assertThat(JSON.readTree(gone.body()).get("type").asString()).endsWith("/vf-gone");
		assertThat(complete(request, "{\"status\": \"NDIS_STATUS_SUCCESS\"}").statusCode()).isEqualTo(409);
		// Allocated again, with the source it is given.
		HttpResponse<String> allocated = this.http.send("POST", "/api/v1/pf/vfs", "{\"vfId\": 0, \"blockSource\": \"store\"}");
		assertThat(JSON.readTree(allocated.body()).get("blockSource").asString()).isEqualTo("store");
	}

	@Test
	void badInputShouldBeRefusedWithProblems() throws Exception {
		assertThat(this.http.send("PUT", "/api/v1/pf/vfs/1/block-source", "{\"blockSource\": \"disk\"}").statusCode()).isEqualTo(400);
		assertThat(this.http.send("PUT", "/api/v1/pf/vfs/1/block-source", "{}").statusCode()).isEqualTo(400);
		assertThat(this.http.send("PUT", "/api/v1/pf/vfs/60/block-source", "{\"blockSource\": \"pf\"}").statusCode()).isEqualTo(404);
		assertThat(this.http.send("POST", "/api/v1/pf/oid-requests/999999", "{\"status\": \"NDIS_STATUS_SUCCESS\"}").statusCode())
			.isEqualTo(404);
		assertThat(this.http.send("POST", "/api/v1/pf/oid-requests/x1", "{\"status\": \"NDIS_STATUS_SUCCESS\"}").statusCode())
			.isEqualTo(400);
		HttpResponse<String> badStatus = this.http.send("POST", "/api/v1/pf/oid-requests/1", "{\"status\": \"NDIS_STATUS_MAYBE\"}");
		assertThat(badStatus.statusCode()).isEqualTo(400);
		assertThat(badStatus.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(this.http.send("GET", "/api/v1/pf/oid-requests?after=nonsense&timeout=0", null).statusCode()).isEqualTo(400);
		HttpResponse<String> none = this.http.send("GET", "/api/v1/pf/oid-requests?timeout=0", null);
		assertThat(none.statusCode()).isEqualTo(204);
		assertThat(none.headers().firstValue("Vsriov-Cursor")).isPresent();
	}

	private void usePf(int vfId) throws Exception {
		assertThat(this.http.send("PUT", "/api/v1/pf/vfs/" + vfId + "/block-source", "{\"blockSource\": \"pf\"}").statusCode())
			.isEqualTo(204);
	}

	/** The PF agent: the one pending request handed over, from a poll that waits for it. */
	private JsonNode takeOne() throws Exception {
		HttpResponse<String> taken = this.http.send("GET", "/api/v1/pf/oid-requests?timeout=10s", null);
		assertThat(taken.statusCode()).isEqualTo(200);
		JsonNode requests = JSON.readTree(taken.body()).get("requests");
		assertThat(requests.size()).isEqualTo(1);
		return requests.get(0);
	}

	private HttpResponse<String> complete(JsonNode request, String body) throws Exception {
		return this.http.send("POST", "/api/v1/pf/oid-requests/" + request.get("requestId").asLong(), body);
	}

}
