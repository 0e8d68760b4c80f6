package org.vsriov.vf;

import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import org.junit.jupiter.api.Test;
import org.vsriov.web.TestAdapterConfiguration;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;

@WebMvcTest(properties = "vsriov.poll.max-waiters-per-vf=2")
@Import(TestAdapterConfiguration.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class VfControllersTest {

	private static final String CURSOR = "Vsriov-Cursor";

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private VirtualAdapter adapter;

	@Test
	void pollShouldAnswerAtOnceWithTheInvalidateConfigBlockOid() {
		this.adapter.invalidate(0, BlockMask.parse("0x21"));
		MvcTestResult result = this.mvc.get().uri("/api/v1/vfs/0/invalidations?timeout=0").exchange();
		var body = assertThat(result).hasStatusOk().bodyJson();
		body.extractingPath("$.vfId").isEqualTo(0);
		body.extractingPath("$.oid").isEqualTo("OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK");
		body.extractingPath("$.header.type").isEqualTo(128);
		body.extractingPath("$.header.revision").isEqualTo(1);
		body.extractingPath("$.header.size").isEqualTo(16);
		body.extractingPath("$.blockMask").isEqualTo("0x0000000000000021");
		body.extractingPath("$.blocks").asArray().containsExactly(0, 5);
		body.extractingPath("$.cursor").isEqualTo(result.getResponse().getHeader(CURSOR));
	}

	@Test
	void pollThatWouldWaitWhileTheServiceStopsShouldGetA503ThatSaysWhenToComeBack() {
		this.adapter.close();
		MvcTestResult result = this.mvc.get().uri("/api/v1/vfs/1/invalidations?timeout=30s").exchange();
		assertThat(result).hasStatus(503).hasContentType("application/problem+json")
			.hasHeader(HttpHeaders.RETRY_AFTER, "5")
			.hasHeader(HttpHeaders.CONNECTION, "close");
		assertThat(result).bodyJson().extractingPath("$.type").isEqualTo("https://vsriov.org/problems/service-stopping");
	}

	@Test
	void pollWithNothingNewShouldAnswer204WithTheCursor() {
		MvcTestResult result = this.mvc.get().uri("/api/v1/vfs/1/invalidations?timeout=0").exchange();
		assertThat(result).hasStatus(204).body().isEmpty();
		assertThat(result.getResponse().getHeader(CURSOR)).isNotBlank();
	}

	@Test
	void parkedPollShouldCompleteWhenThePfInvalidates() {
		String cursor = cursorOf(this.mvc.get().uri("/api/v1/vfs/0/invalidations?timeout=0").exchange());
		MvcTestResult result = this.mvc.get()
			.uri("/api/v1/vfs/0/invalidations?after={cursor}&timeout=30s", cursor)
			.asyncExchange();
		assertThat(result.getRequest().isAsyncStarted()).isTrue();
		assertThat(this.adapter.state(0).waiters()).isEqualTo(1);
		// The invalidation writes the answer and completes the request, with no second dispatch (the mock
		// async context runs the write on this thread; a server runs it on its pool).
		this.adapter.invalidate(0, BlockMask.parse("0x8000000000000000"));
		assertThat(result.getRequest().isAsyncStarted()).isFalse();
		assertThat(result).hasStatusOk().bodyJson().extractingPath("$.blocks").asArray().containsExactly(63);
		assertThat(cursorOf(result)).isNotEqualTo(cursor);
	}

	@Test
	void containerTimeoutOfAParkedPollShouldAnswer204WithItsCursorAndWithdrawIt() throws Exception {
		String cursor = cursorOf(this.mvc.get().uri("/api/v1/vfs/0/invalidations?timeout=0").exchange());
		MvcTestResult result = this.mvc.get()
			.uri("/api/v1/vfs/0/invalidations?after={cursor}&timeout=30s", cursor)
			.asyncExchange();
		// What the container does if the adapter's own timer has not answered in time.
		tellListeners(result, (listener, async) -> listener.onTimeout(new AsyncEvent(async)));
		assertThat(result.getRequest().isAsyncStarted()).isFalse();
		assertThat(result).hasStatus(204).body().isEmpty();
		assertThat(cursorOf(result)).isEqualTo(cursor);
		assertThat(this.adapter.state(0).waiters()).isZero();
	}

	@Test
	void ioErrorOnAParkedPlainPollShouldWithdrawItSoItTakesNothing() throws Exception {
		MvcTestResult result = this.mvc.get().uri("/api/v1/vfs/1/invalidations?timeout=30s").asyncExchange();
		tellListeners(result,
				(listener, async) -> listener.onError(new AsyncEvent(async, new IOException("connection reset"))));
		assertThat(result.getRequest().isAsyncStarted()).isFalse();
		assertThat(this.adapter.state(1).waiters()).isZero();
		this.adapter.invalidate(1, BlockMask.parse("0x4"));
		assertThat(this.adapter.state(1).pendingMask().bits()).isEqualTo(0x4);
	}

	@Test
	void lostAnswerShouldBeDeliveredAgainForTheSameCursor() {
		String cursor = cursorOf(this.mvc.get().uri("/api/v1/vfs/0/invalidations?timeout=0").exchange());
		this.adapter.invalidate(0, BlockMask.parse("0x2"));
		String path = "/api/v1/vfs/0/invalidations?after={cursor}&timeout=0";
		assertThat(this.mvc.get().uri(path, cursor)).bodyJson().extractingPath("$.blockMask").isEqualTo("0x0000000000000002");
		this.adapter.invalidate(0, BlockMask.parse("0x4"));
		assertThat(this.mvc.get().uri(path, cursor)).bodyJson().extractingPath("$.blockMask").isEqualTo("0x0000000000000006");
	}

	@Test
	void pollOverTheWaiterCapShouldParkAndSupersedeTheOldest() {
		this.mvc.get().uri("/api/v1/vfs/2/invalidations?timeout=1m").asyncExchange();
		this.mvc.get().uri("/api/v1/vfs/2/invalidations?timeout=1m").asyncExchange();
		assertThat(this.adapter.state(2).waiters()).isEqualTo(2);
		this.mvc.get().uri("/api/v1/vfs/2/invalidations?timeout=1m").asyncExchange();
		assertThat(this.adapter.state(2).waiters()).isEqualTo(2);
		this.adapter.invalidate(2, BlockMask.parse("0x1"));
		assertThat(this.adapter.state(2).waiters()).isZero();
	}

	@Test
	void headOnThePollShouldBeRefusedAndTakeNothing() {
		this.adapter.invalidate(1, BlockMask.parse("0x1"));
		assertThat(this.mvc.head().uri("/api/v1/vfs/1/invalidations?timeout=0")).hasStatus(405)
			.hasHeader(HttpHeaders.ALLOW, "GET");
		assertThat(this.adapter.state(1).pendingMask().bits()).isEqualTo(0x1);
	}

	@Test
	void optionsOnTheLongPollsShouldNotOfferHead() {
		for (String poll : new String[] { "/api/v1/vfs/1/invalidations", "/api/v1/pf/vfs/1/block-writes" }) {
			assertThat(this.mvc.options().uri(poll)).hasStatusOk().hasHeader(HttpHeaders.ALLOW, "GET,OPTIONS");
		}
	}

	@Test
	void vfWriteShouldBeSeenByThePfAndLogged() {
		assertThat(this.mvc.put().uri("/api/v1/vfs/3/config-blocks/4").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.content(new byte[] { 0x11, 0x22 })).hasStatusOk().bodyJson().extractingPath("$.updatedBy").isEqualTo("VF");
		assertThat(this.mvc.put().uri("/api/v1/vfs/3/config-blocks/4").contentType(MediaType.APPLICATION_JSON)
			.content("{\"hex\": \"33\"}")).hasStatusOk();
		assertThat(this.mvc.get().uri("/api/v1/pf/vfs/3/config-blocks/4?length=2")).bodyJson()
			.extractingPath("$.hex").isEqualTo("3300");
		var vf = assertThat(this.mvc.get().uri("/api/v1/pf/vfs/3")).bodyJson();
		vf.extractingPath("$.writeLogSize").isEqualTo(2);
		vf.extractingPath("$.writtenBlocks[0].updatedBy").isEqualTo("VF");
	}

	@Test
	void vfReadShouldReturnTheFirstLengthBytesRawOrAsJson() {
		this.adapter.write(1, 2, new byte[] { 5, 6, 7 }, org.vsriov.adapter.Role.PF, (v) -> true);
		assertThat(this.mvc.get().uri("/api/v1/vfs/1/config-blocks/2?length=2").accept(MediaType.APPLICATION_OCTET_STREAM))
			.hasStatusOk().body().isEqualTo(new byte[] { 5, 6 });
		var json = assertThat(this.mvc.get().uri("/api/v1/vfs/1/config-blocks/2")).hasStatusOk();
		json.hasHeader(HttpHeaders.ETAG, "\"1\"");
		json.bodyJson().extractingPath("$.length").isEqualTo(128);
		json.bodyJson().extractingPath("$.updatedBy").isEqualTo("PF");
		assertThat(this.mvc.get().uri("/api/v1/vfs/1/config-blocks/3")).bodyJson().extractingPath("$.version").isEqualTo(0);
	}

	/** Calls every listener of the request's async context, as the container would. */
	private static void tellListeners(MvcTestResult result, ListenerCall call) throws IOException {
		AsyncContext async = result.getRequest().getAsyncContext();
		for (AsyncListener listener : ((MockAsyncContext) async).getListeners()) {
			call.on(listener, async);
		}
	}

	@FunctionalInterface
	private interface ListenerCall {

		void on(AsyncListener listener, AsyncContext async) throws IOException;

	}

	private static String cursorOf(MvcTestResult result) {
		return result.getResponse().getHeader(CURSOR);
	}

}
