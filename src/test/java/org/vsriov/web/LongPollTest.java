package org.vsriov.web;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A parked poll's answer, written outside Spring MVC: never while the parking request is still in
 * its dispatch, and as a 500 problem if it cannot be written. (The mock async context runs the
 * container's pool work on the calling thread.)
 */
class LongPollTest {

	private final VirtualAdapter adapter = new VirtualAdapter(VsriovProperties.defaults(), Clock.systemUTC());

	private final LongPolls polls = new LongPolls(VsriovProperties.defaults(), converters());

	private final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/vfs/0/invalidations");

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	LongPollTest() {
		this.request.setAsyncSupported(true);
	}

	@AfterEach
	void close() {
		this.adapter.close();
	}

	@Test
	void answerThatComesBeforeTheDispatchReturnsShouldWaitForIt() throws Exception {
		this.polls.doFilter(this.request, this.response, (request, response) -> {
			assertThat(park((news, cursor) -> Map.of("blockMask", news.toHex()))).isNull();
			this.adapter.invalidate(0, BlockMask.parse("0x5"));
			// Spring MVC and the other filters may still read the response: nothing written yet.
			assertThat(this.response.isCommitted()).isFalse();
			assertThat(this.response.getContentAsString()).isEmpty();
			assertThat(this.request.isAsyncStarted()).isTrue();
		});
		assertThat(this.request.isAsyncStarted()).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(200);
		assertThat(this.response.getContentType()).isEqualTo("application/json");
		assertThat(this.response.getContentAsString()).isEqualTo("{\"blockMask\":\"0x0000000000000005\"}");
		assertThat(this.response.getContentLength()).isEqualTo(this.response.getContentAsByteArray().length);
		assertThat(this.response.getHeader(LongPoll.CURSOR_HEADER)).isNotBlank();
	}

	@Test
	void answerThatComesAfterTheDispatchShouldBeWrittenAtOnce() throws Exception {
		this.polls.doFilter(this.request, this.response,
				(request, response) -> park((news, cursor) -> Map.of("blockMask", news.toHex())));
		assertThat(this.request.isAsyncStarted()).isTrue();
		this.adapter.invalidate(0, BlockMask.parse("0x5"));
		assertThat(this.request.isAsyncStarted()).isFalse();
		assertThat(this.response.getContentAsString()).isEqualTo("{\"blockMask\":\"0x0000000000000005\"}");
	}

	@Test
	void answerThatCannotBeWrittenShouldBeA500Problem() throws Exception {
		// The body fails as Jackson writes it, after the adapter has delivered the news.
		this.polls.doFilter(this.request, this.response, (request, response) -> park((news, cursor) -> new Broken()));
		this.adapter.invalidate(0, BlockMask.parse("0x5"));
		assertThat(this.request.isAsyncStarted()).isFalse();
		assertThat(this.response.getStatus()).isEqualTo(500);
		assertThat(this.response.getContentType()).isEqualTo("application/problem+json");
		assertThat(this.response.getContentAsString()).contains(ProblemType.BASE + "internal-error");
		assertThat(this.response.getHeader(LongPoll.CURSOR_HEADER)).isNull();
	}

	/** A body whose one property cannot be read. */
	static final class Broken {

		public String getValue() {
			throw new IllegalStateException("unreadable");
		}

	}

	private Object park(BiFunction<BlockMask, String, Object> body) {
		try {
			LongPoll<BlockMask, Object> poll = this.polls.open(this.request, this.response, "30s", false, body);
			return poll.answer((done) -> this.adapter.pollInvalidations(0, null, poll.timeout(), done));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ObjectProvider<RequestMappingHandlerAdapter> converters() {
		var mvc = new RequestMappingHandlerAdapter();
		mvc.setMessageConverters(List.of(new JacksonJsonHttpMessageConverter()));
		var beans = new StaticListableBeanFactory();
		beans.addBean("requestMappingHandlerAdapter", mvc);
		return beans.getBeanProvider(RequestMappingHandlerAdapter.class);
	}

}
