package org.vsriov.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/**
 * What a PF agent and a Kubernetes probe see of the server while it is attacked, from the benchmark's
 * own process: PF invalidations on one keep-alive connection and on a new connection each, and
 * {@code GET /actuator/health} on a new connection each (to the server's main port, or to its
 * management port); after the attack also a VF's {@code timeout=0} poll. Every request becomes a
 * {@link Sample}; one not answered within 5 s, or whose connection closed first, is unanswered. Lives
 * on the event loop.
 */
final class Probe {

	static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

	private static final long PF_EVERY_MILLIS = 25;

	private static final long HEALTH_EVERY_MILLIS = 50;

	/** The probe's kinds of request. */
	enum Stream {

		PF_KEEP_ALIVE(202), PF_NEW_CONNECTION(202), HEALTH(200), VF_POLL(204);

		/** The status of a request that worked (a VF poll also works with 200). */
		final int ok;

		Stream(int ok) {
			this.ok = ok;
		}

		boolean worked(int status) {
			return status == this.ok || (this == VF_POLL && status == 200);
		}

	}

	/**
	 * One probe request.
	 *
	 * @param stream what it was
	 * @param sentNanos when it started (before its connect, on a new connection)
	 * @param doneNanos when its answer was read, or when it was given up
	 * @param status the answer's status, or 0 when unanswered
	 */
	record Sample(Stream stream, long sentNanos, long doneNanos, int status) {

		boolean answered() {
			return this.status != 0;
		}

		long micros() {
			return TimeUnit.NANOSECONDS.toMicros(this.doneNanos - this.sentNanos);
		}

	}

	/** Where the PF invalidations go, and what becomes of each. */
	interface Invalidations {

		/** The next invalidation to send; its outcome goes to {@link Invalidation#outcome}. */
		Invalidation next();

	}

	/**
	 * One invalidation to send.
	 *
	 * @param vf the VF
	 * @param mask the block mask
	 * @param outcome told the status, or 0 when unanswered, and when
	 */
	record Invalidation(int vf, long mask, Outcome outcome) {

	}

	/** What became of an invalidation. */
	interface Outcome {

		void answered(int status, long nanos);

	}

	/** {@code 0x1} to every VF of 0..vfs-1 in turn, with nothing to check. */
	static Invalidations everyVf(int vfs) {
		int[] next = { 0 };
		return () -> new Invalidation(next[0]++ % vfs, 0x1, (status, nanos) -> {
		});
	}

	private final Loop loop;

	private final Invalidations invalidations;

	// Where the health and the PF requests go; a VF's poll goes to the loop's own address, the main port.
	private final InetSocketAddress health;

	private final InetSocketAddress pf;

	private final List<Sample> samples = new ArrayList<>();

	private final List<ScheduledFuture<?>> tickers = new ArrayList<>();

	private Channel keepAlive;

	private boolean keepAliveBusy;

	private boolean vfPolling;

	private final Set<Exchange> inFlight = new HashSet<>();

	/** A probe whose health requests go to {@code healthPort} on loopback, and its PF requests to {@code pfPort}. */
	Probe(Loop loop, Invalidations invalidations, int healthPort, int pfPort) {
		this.loop = loop;
		this.invalidations = invalidations;
		this.health = new InetSocketAddress("127.0.0.1", healthPort);
		this.pf = new InetSocketAddress("127.0.0.1", pfPort);
	}

	/**
	 * Starts the PF and health requests. With a fixed delay, not a fixed rate: a probe held up (its
	 * thread gets a small share of two cores under attack) does not make up with a burst.
	 */
	void start() {
		this.tickers.add(this.loop.executor().scheduleWithFixedDelay(this.loop.guarded("the probe's PF requests", () -> {
			if (!this.keepAliveBusy) {
				invalidate(Stream.PF_KEEP_ALIVE);
			}
			invalidate(Stream.PF_NEW_CONNECTION);
		}), 0, PF_EVERY_MILLIS, TimeUnit.MILLISECONDS));
		this.tickers.add(this.loop.executor().scheduleWithFixedDelay(
				this.loop.guarded("the probe's health requests",
						() -> send(Stream.HEALTH, HttpConnection.get("/actuator/health"), (status, nanos) -> {
						})),
				0, HEALTH_EVERY_MILLIS, TimeUnit.MILLISECONDS));
	}

	/** Also polls VF 0 with {@code timeout=0}, one poll at a time, every 50 ms at most. */
	void startVfPolls() {
		this.vfPolling = true;
		vfPoll();
	}

	private void vfPoll() {
		if (!this.vfPolling) {
			return;
		}
		long sent = System.nanoTime();
		send(Stream.VF_POLL, HttpConnection.get("/api/v1/vfs/0/invalidations?timeout=0"), (status, nanos) -> {
			long wait = Math.max(0, TimeUnit.MILLISECONDS.toNanos(HEALTH_EVERY_MILLIS) - (nanos - sent));
			this.loop.executor().schedule(this::vfPoll, wait, TimeUnit.NANOSECONDS);
		});
	}

	/** Sends no more requests; those in flight still end. */
	void stop() {
		this.tickers.forEach((ticker) -> ticker.cancel(false));
		this.tickers.clear();
		this.vfPolling = false;
	}

	/** Stopped and nothing in flight (the keep-alive connection is then closed). */
	boolean idle() {
		if (this.tickers.isEmpty() && !this.vfPolling && this.inFlight.isEmpty()) {
			if (this.keepAlive != null) {
				this.keepAlive.close();
				this.keepAlive = null;
			}
			return true;
		}
		return false;
	}

	/** Every request that has ended, in the order they ended. */
	List<Sample> samples() {
		return List.copyOf(this.samples);
	}

	/** Every request so far: those still in flight as unanswered, ending never. */
	List<Sample> snapshot() {
		var all = new ArrayList<>(this.samples);
		this.inFlight.forEach((exchange) -> all.add(new Sample(exchange.stream, exchange.sent, Long.MAX_VALUE, 0)));
		return all;
	}

	private void invalidate(Stream stream) {
		Invalidation invalidation = this.invalidations.next();
		String body = "{\"blockMask\":\"0x" + Long.toHexString(invalidation.mask()) + "\"}";
		send(stream, HttpConnection.postJson("/api/v1/pf/vfs/" + invalidation.vf() + "/invalidations", body),
				invalidation.outcome());
	}

	private void send(Stream stream, FullHttpRequest request, Outcome outcome) {
		var exchange = new Exchange(stream, outcome);
		this.inFlight.add(exchange);
		if (stream != Stream.PF_KEEP_ALIVE) {
			// As a Kubernetes probe does: a connection for this request alone.
			request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		}
		else {
			this.keepAliveBusy = true;
			if (this.keepAlive != null && this.keepAlive.isActive()) {
				exchange.write(this.keepAlive, request);
				return;
			}
		}
		ChannelFuture connect = switch (stream) {
			case HEALTH -> this.loop.bootstrap().connect(this.health);
			case PF_KEEP_ALIVE, PF_NEW_CONNECTION -> this.loop.bootstrap().connect(this.pf);
			default -> this.loop.bootstrap().connect();
		};
		connect.addListener((ChannelFuture done) -> {
			if (!done.isSuccess()) {
				request.release();
				exchange.end(0);
				return;
			}
			if (stream == Stream.PF_KEEP_ALIVE) {
				this.keepAlive = done.channel();
			}
			exchange.write(done.channel(), request);
		});
	}

	/** One request: the first of its answer, its connection's close and the time limit ends it. */
	private final class Exchange extends SimpleChannelInboundHandler<FullHttpResponse> {

		private final Stream stream;

		private final Outcome outcome;

		private final long sent = System.nanoTime();

		private final ScheduledFuture<?> limit;

		private Channel channel;

		private boolean ended;

		Exchange(Stream stream, Outcome outcome) {
			this.stream = stream;
			this.outcome = outcome;
			this.limit = Probe.this.loop.executor().schedule(() -> end(0), LIMIT_NANOS, TimeUnit.NANOSECONDS);
		}

		void write(Channel channel, FullHttpRequest request) {
			if (this.ended) {
				// given up while connecting
				request.release();
				channel.close();
				return;
			}
			this.channel = channel;
			channel.pipeline().addLast(this);
			channel.writeAndFlush(request);
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
			end(response.status().code());
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			end(0);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			end(0);
		}

		void end(int status) {
			if (this.ended) {
				return;
			}
			this.ended = true;
			long now = System.nanoTime();
			this.limit.cancel(false);
			Probe.this.inFlight.remove(this);
			Probe.this.samples.add(new Sample(this.stream, this.sent, now, status));
			if (this.channel != null) {
				if (this.channel.pipeline().context(this) != null) {
					this.channel.pipeline().remove(this);
				}
				if (this.stream != Stream.PF_KEEP_ALIVE || status == 0) {
					this.channel.close();
				}
			}
			if (this.stream == Stream.PF_KEEP_ALIVE) {
				Probe.this.keepAliveBusy = false;
				if (status == 0 && this.channel == Probe.this.keepAlive) {
					Probe.this.keepAlive = null;
				}
			}
			this.outcome.answered(status, now);
		}

	}

}
