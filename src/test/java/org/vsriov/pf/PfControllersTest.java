package org.vsriov.pf;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.json.AbstractJsonContentAssert;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PF's operations, on a real server. Every test starts from a fresh adapter, VFs 0..3 allocated:
 * the property, though the default, gives this class a context of its own, so that its first test
 * never gets the server other classes share and have changed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "vsriov.initial-vfs=4")
@AutoConfigureRestTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class PfControllersTest {

	@Autowired
	private RestTestClient client;

	@Test
	void adapterShouldShowTheCapabilityAndTheInitialVfs() {
		var adapter = assertThat(get("/api/v1/pf")).hasStatusOk().bodyJson();
		adapter.extractingPath("$.totalVfs").isEqualTo(64);
		adapter.extractingPath("$.blockCount").isEqualTo(64);
		adapter.extractingPath("$.blockSize").isEqualTo(128);
		adapter.extractingPath("$.vfs[*].vfId").asArray().containsExactly(0, 1, 2, 3);
		adapter.extractingPath("$.vfs[0].pendingMask").isEqualTo("0x0000000000000000");
	}

	@Test
	void invalidateShouldAcceptEveryMaskFormAndOrMergeThem() {
		invalidate(0, "{\"blockMask\": \"0x1\"}").extractingPath("$.pendingMask").isEqualTo("0x0000000000000001");
		invalidate(0, "{\"blockMask\": \"32\"}").extractingPath("$.pendingMask").isEqualTo("0x0000000000000021");
		invalidate(0, "{\"blockMask\": 64}").extractingPath("$.pendingMask").isEqualTo("0x0000000000000061");
		invalidate(0, "{\"blocks\": [63, 7]}").extractingPath("$.blocks").asArray()
			.containsExactly(0, 5, 6, 7, 63);
		var vf = assertThat(get("/api/v1/pf/vfs/0")).hasStatusOk().bodyJson();
		vf.extractingPath("$.pendingMask").isEqualTo("0x80000000000000e1");
		vf.extractingPath("$.waiters").isEqualTo(0);
	}

	@Test
	void invalidateShouldTakeBit63AsAHexOrDecimalString() {
		invalidate(1, "{\"blockMask\": \"0xffffffffffffffff\"}").extractingPath("$.pendingMask")
			.isEqualTo("0xffffffffffffffff");
		invalidate(2, "{\"blockMask\": \"9223372036854775808\"}").extractingPath("$.blocks").asArray()
			.containsExactly(63);
	}

	@Test
	void invalidateShouldTakeJsonIntegersUpToTwoToThe53rdMinusOneAndNameTheStringFormAbove() {
		invalidate(1, "{\"blockMask\": 9007199254740991}").extractingPath("$.pendingMask")
			.isEqualTo("0x001fffffffffffff");
		var refused = assertThat(post("/api/v1/pf/vfs/2/invalidations", MediaType.APPLICATION_JSON,
				"{\"blockMask\": 9223372036854775808}")).hasStatus(400).bodyJson();
		refused.extractingPath("$.detail").asString().contains("2^53-1", "as a string", "\"0x8000000000000000\"");
		refused.extractingPath("$.blockMask").isEqualTo("9223372036854775808");
		assertThat(get("/api/v1/pf/vfs/2")).bodyJson().extractingPath("$.pendingMask")
			.isEqualTo("0x0000000000000000");
	}

	@Test
	void malformedVfIdShouldNameItsRangeAndComeBackAsParameterAndValue() {
		var problem = assertThat(get("/api/v1/pf/vfs/\u0663")).hasStatus(400).bodyJson();
		problem.extractingPath("$.detail").isEqualTo("vfId must be a decimal integer from 0 to 63, in ASCII digits");
		problem.extractingPath("$.parameter").isEqualTo("vfId");
		problem.extractingPath("$.value").isEqualTo("\u0663");
		problem.doesNotHavePath("$.vfId");
	}

	@Test
	void invalidateShouldTakeANullBlocksBesideBlockMaskAsAbsent() {
		// What a generated client sends for a field it was not given.
		invalidate(3, "{\"blockMask\": \"0x8000000000000000\", \"blocks\": null}").extractingPath("$.blocks")
			.asArray().containsExactly(63);
	}

	@Test
	void broadcastShouldInvalidateEveryAllocatedVf() {
		invalidate(3, "{\"blockMask\": \"0x1\"}");
		var result = assertThat(post("/api/v1/pf/invalidations", MediaType.APPLICATION_JSON, "{\"blocks\": [1]}"))
			.hasStatus(202).bodyJson();
		result.extractingPath("$.vfs[*].vfId").asArray().containsExactly(0, 1, 2, 3);
		result.extractingPath("$.vfs[*].pendingMask").asArray()
			.containsExactly("0x0000000000000002", "0x0000000000000002", "0x0000000000000002", "0x0000000000000003");
	}

	@Test
	void pfWriteShouldBeReadBackPaddedWithZerosWithItsVersionAsETag() {
		var written = assertThat(put("/api/v1/pf/vfs/0/config-blocks/5", MediaType.APPLICATION_JSON,
				"{\"hex\": \"0100FF\"}")).hasStatusOk();
		written.hasHeader(HttpHeaders.ETAG, "\"1\"");
		written.bodyJson().extractingPath("$.updatedBy").isEqualTo("PF");
		var read = assertThat(get("/api/v1/pf/vfs/0/config-blocks/5")).hasStatusOk();
		read.hasHeader(HttpHeaders.ETAG, "\"1\"");
		read.bodyJson().extractingPath("$.length").isEqualTo(128);
		read.bodyJson().extractingPath("$.hex").asString().startsWith("0100ff00").hasSize(256).matches("0100ff0*");
		read.bodyJson().extractingPath("$.version").isEqualTo(1);
		assertThat(get("/api/v1/pf/vfs/0/config-blocks/5?length=2")).bodyJson()
			.extractingPath("$.base64").isEqualTo("AQA=");
	}

	@Test
	void pfShouldWriteAndReadRawBytesAndBase64() {
		assertThat(put("/api/v1/pf/vfs/1/config-blocks/0", MediaType.APPLICATION_OCTET_STREAM, new byte[] { 9, 8, 7 }))
			.hasStatusOk();
		assertThat(exchange(this.client.get().uri("/api/v1/pf/vfs/1/config-blocks/0?length=4")
			.accept(MediaType.APPLICATION_OCTET_STREAM)))
			.hasStatusOk().hasContentType(MediaType.APPLICATION_OCTET_STREAM).body().isEqualTo(new byte[] { 9, 8, 7, 0 });
		assertThat(put("/api/v1/pf/vfs/1/config-blocks/0", MediaType.APPLICATION_JSON, "{\"base64\": \"AQI=\"}"))
			.hasStatusOk();
		assertThat(get("/api/v1/pf/vfs/1/config-blocks/0?length=3")).bodyJson()
			.extractingPath("$.hex").isEqualTo("010200");
	}

	@Test
	void ifMatchShouldGuardTheWrite() {
		String path = "/api/v1/pf/vfs/2/config-blocks/9";
		assertThat(put(path, "\"0\"")).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"1\"");
		assertThat(put(path, "\"0\"")).hasStatus(412).bodyJson().extractingPath("$.version").isEqualTo(1);
		assertThat(put(path, "W/\"1\"")).hasStatus(412);
		assertThat(put(path, "\"7\", \"1\"")).hasStatusOk().hasHeader(HttpHeaders.ETAG, "\"2\"");
		assertThat(put(path, "*")).hasStatusOk();
		assertThat(exchange(this.client.put().uri("/api/v1/pf/vfs/2/config-blocks/10").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.IF_NONE_MATCH, "*").body(new byte[] { 1 }))).hasStatusOk();
		assertThat(exchange(this.client.put().uri("/api/v1/pf/vfs/2/config-blocks/10").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.IF_NONE_MATCH, "*").body(new byte[] { 2 }))).hasStatus(412);
		assertThat(get("/api/v1/pf/vfs/2")).bodyJson().extractingPath("$.writtenBlocks[0].version").isEqualTo(3);
	}

	private RestTestClientResponse put(String path, String ifMatch) {
		return exchange(this.client.put().uri(path).contentType(MediaType.APPLICATION_OCTET_STREAM)
			.header(HttpHeaders.IF_MATCH, ifMatch).body(new byte[] { 1 }));
	}

	private AbstractJsonContentAssert<?> invalidate(int vfId, String body) {
		return assertThat(exchange(this.client.post().uri("/api/v1/pf/vfs/{vfId}/invalidations", vfId)
			.contentType(MediaType.APPLICATION_JSON).body(body))).hasStatus(202).bodyJson();
	}

	@Test
	void allocateShouldAnswer201WithLocationAndTheFreshVf() {
		var created = assertThat(post("/api/v1/pf/vfs", MediaType.APPLICATION_JSON, "{\"vfId\": 9}")).hasStatus(201)
			.hasHeader(HttpHeaders.LOCATION, "/api/v1/pf/vfs/9");
		created.bodyJson().extractingPath("$.vfId").isEqualTo(9);
		created.bodyJson().extractingPath("$.pendingMask").isEqualTo("0x0000000000000000");
		created.bodyJson().extractingPath("$.writtenBlocks").asArray().isEmpty();
		assertThat(get("/api/v1/pf")).bodyJson().extractingPath("$.vfs[*].vfId").asArray()
			.containsExactly(0, 1, 2, 3, 9);
	}

	@Test
	void allocateWithoutBodyOrVfIdShouldTakeTheLowestFreeVf() {
		assertThat(delete("/api/v1/pf/vfs/2")).hasStatus(204);
		assertThat(post("/api/v1/pf/vfs")).hasStatus(201).hasHeader(HttpHeaders.LOCATION, "/api/v1/pf/vfs/2");
		assertThat(post("/api/v1/pf/vfs", MediaType.APPLICATION_JSON, "{}")).hasStatus(201).bodyJson()
			.extractingPath("$.vfId").isEqualTo(4);
		assertThat(post("/api/v1/pf/vfs", MediaType.APPLICATION_JSON, "{\"vfId\": null}")).hasStatus(201).bodyJson()
			.extractingPath("$.vfId").isEqualTo(5);
	}

	@Test
	void freedVfShouldAnswer404OnPfAndVfPathsUntilAllocatedAgainWithZeroedBlocks() {
		assertThat(put("/api/v1/vfs/1/config-blocks/5", MediaType.APPLICATION_JSON, "{\"hex\": \"ff\"}"))
			.hasStatusOk();
		assertThat(delete("/api/v1/pf/vfs/1")).hasStatus(204);
		for (String path : new String[] { "/api/v1/pf/vfs/1", "/api/v1/vfs/1/config-blocks/5",
				"/api/v1/pf/vfs/1/config-blocks/5" }) {
			assertThat(get(path)).hasStatus(404).bodyJson().extractingPath("$.type")
				.isEqualTo("https://vsriov.org/problems/vf-not-found");
		}
		assertThat(post("/api/v1/pf/vfs", MediaType.APPLICATION_JSON, "{\"vfId\": 1}")).hasStatus(201);
		var block = assertThat(get("/api/v1/vfs/1/config-blocks/5?length=2")).hasStatusOk().bodyJson();
		block.extractingPath("$.hex").isEqualTo("0000");
		block.extractingPath("$.version").isEqualTo(0);
	}

	@Test
	void resetShouldKeepBlocksAndDropPendingBitsAndTheWriteLog() {
		assertThat(put("/api/v1/vfs/3/config-blocks/7", MediaType.APPLICATION_JSON, "{\"hex\": \"0102\"}"))
			.hasStatusOk();
		invalidate(3, "{\"blocks\": [7]}");
		assertThat(post("/api/v1/pf/vfs/3/reset")).hasStatus(204);
		var vf = assertThat(get("/api/v1/pf/vfs/3")).hasStatusOk().bodyJson();
		vf.extractingPath("$.pendingMask").isEqualTo("0x0000000000000000");
		vf.extractingPath("$.writeLogSize").isEqualTo(0);
		vf.extractingPath("$.writtenBlocks[0].blockId").isEqualTo(7);
		assertThat(get("/api/v1/vfs/3/config-blocks/7?length=2")).bodyJson().extractingPath("$.hex")
			.isEqualTo("0102");
	}


	private RestTestClientResponse get(String uri) {
		return exchange(this.client.get().uri(uri));
	}

	private RestTestClientResponse post(String uri) {
		return exchange(this.client.post().uri(uri));
	}

	private RestTestClientResponse post(String uri, MediaType type, Object body) {
		return exchange(this.client.post().uri(uri).contentType(type).body(body));
	}

	private RestTestClientResponse put(String uri, MediaType type, Object body) {
		return exchange(this.client.put().uri(uri).contentType(type).body(body));
	}

	private RestTestClientResponse delete(String uri) {
		return exchange(this.client.delete().uri(uri));
	}

	private static RestTestClientResponse exchange(RestTestClient.RequestHeadersSpec<?> request) {
		return RestTestClientResponse.from(request.exchange());
	}

}
