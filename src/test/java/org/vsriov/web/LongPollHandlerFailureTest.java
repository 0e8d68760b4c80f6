package org.vsriov.web;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.DefaultHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.VsriovProperties;
import org.vsriov.adapter.Waiter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@link LongPollHandler} does when a parked poll's request fails: when Jetty fails it (here:
 * the server stops without waiting, closing its connections), the poll is withdrawn at once, not
 * left to its timeout; when its answer cannot be made, the request fails and the thread that
 * delivered goes on. On a plain Jetty server, without Spring.
 */
class LongPollHandlerFailureTest {

	private final VsriovProperties properties = VsriovProperties.defaults();

	private final VirtualAdapter adapter = new VirtualAdapter(this.properties, Clock.systemUTC());

	private final Server server = new Server();

	@AfterEach
	void stop() throws Exception {
		this.server.stop();
		this.adapter.close();
	}

	@Test
	void parkedPollWhoseRequestFailsShouldBeWithdrawnAtOnce() throws Exception {
		ServerConnector connector = start(new Invalidations(this.adapter));
		String cursor = this.adapter.state(0).cursor().encode();
		try (var socket = RawHttp.send(connector.getLocalPort(), "GET /api/v1/vfs/0/invalidations?timeout=1m&after="
				+ cursor + " HTTP/1.1\r\nHost: localhost\r\n\r\n")) {
			await().until(() -> this.adapter.state(0).waiters() == 1);
			this.server.setStopTimeout(0);
			this.server.stop();
			// Long before its minute: the connection's failure withdrew it.
			await().atMost(Duration.ofSeconds(5)).until(() -> this.adapter.state(0).waiters() == 0);
		}
		assertThat(this.adapter.stats().parkedPolls()).isZero();
		// Withdrawn, not answered: an invalidation now stays pending for the next poll.
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		assertThat(this.adapter.state(0).pendingMask().bits()).isEqualTo(0x1);
	}

	@Test
	void answerThatThrowsAnErrorShouldFailItsRequestNotTheThreadThatDelivers() throws Exception {
		ServerConnector connector = start(new AnswersWithAnError(new Invalidations(this.adapter)));
		String cursor = this.adapter.state(0).cursor().encode();
		try (var socket = RawHttp.send(connector.getLocalPort(), "GET /api/v1/vfs/0/invalidations?timeout=1m&after="
				+ cursor + " HTTP/1.1\r\nHost: localhost\r\n\r\n")) {
			await().until(() -> this.adapter.state(0).waiters() == 1);
			// The PF's invalidation delivers, and its answer is written, on this thread.
			this.adapter.invalidate(0, BlockMask.parse("0x1"));
			assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 500 ");
		}
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	private ServerConnector start(PolledStream<?> stream) throws Exception {
		var connector = new ServerConnector(this.server);
		connector.setHost("127.0.0.1");
		this.server.addConnector(connector);
		var handler = new LongPollHandler(this.properties, streams(stream),
				new CoreAnswers(new StaticListableBeanFactory().getBeanProvider(RequestMappingHandlerAdapter.class)));
		handler.setHandler(new DefaultHandler());
		this.server.setHandler(handler);
		this.server.start();
		return connector;
	}

	@SuppressWarnings("unchecked")
	private static ObjectProvider<PolledStream<?>> streams(PolledStream<?> stream) {
		var beans = new StaticListableBeanFactory(Map.of("stream", stream));
		return (ObjectProvider<PolledStream<?>>) (ObjectProvider<?>) beans
			.getBeanProvider(ResolvableType.forClass(PolledStream.class));
	}

	/** The VF's invalidations, as the VF's controller gives them (it is not visible from here). */
	private record Invalidations(VirtualAdapter adapter) implements PolledStream<BlockMask> {

		@Override
		public String path() {
			return "/api/v1/vfs/{vfId}/invalidations";
		}

		@Override
		public boolean takes(String after) {
			return after == null;
		}

		@Override
		public Waiter<BlockMask> poll(int vfId, String after, PollTimeout timeout, Consumer<PollOutcome<BlockMask>> done) {
			return this.adapter.pollInvalidations(vfId, after, timeout, done);
		}

		@Override
		public Object body(int vfId, BlockMask news, String cursor) {
			return Map.of("blockMask", news.toHex(), "cursor", cursor);
		}

	}

	/** A stream whose answers cannot be made: its body throws an {@link Error}, not an exception. */
	private record AnswersWithAnError(Invalidations stream) implements PolledStream<BlockMask> {

		@Override
		public String path() {
			return this.stream.path();
		}

		@Override
		public boolean takes(String after) {
			return this.stream.takes(after);
		}

		@Override
		public Waiter<BlockMask> poll(int vfId, String after, PollTimeout timeout, Consumer<PollOutcome<BlockMask>> done) {
			return this.stream.poll(vfId, after, timeout, done);
		}

		@Override
		public Object body(int vfId, BlockMask news, String cursor) {
			throw new AssertionError("no body for you");
		}

	}

}
