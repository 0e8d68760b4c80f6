package org.vsriov.bench;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Attacks 3 and 4, a flood of long polls (an attacker process, see {@link AttackProcess}): every poll
 * on a new connection of its own, all opened at once, each sent once; what became of each is
 * counted: its status, or how it went unanswered.
 */
final class PollFlood extends AttackProcess {

	static final int REHEARSING = 100;

	private final int from;

	private final int count;

	private final int vfs;

	private final String timeout;

	// A poll unanswered this long after it was sent (its timeout plus a margin) counts as unanswered;
	// a connect is given as long.
	private final long patienceMillis;

	// Polls with timeout=0, each on a new connection of its own, before the attack (see rehearse).
	private final int rehearsal;

	private final TreeMap<String, Long> counts = new TreeMap<>();

	private final List<Long> connectMillis = new ArrayList<>();

	private final List<Poll> polls = new ArrayList<>();

	private int resolved;

	private PollFlood(String[] args) {
		super(args);
		this.from = intArg("from");
		this.count = intArg("count");
		this.vfs = intArg("vfs");
		this.timeout = this.args.get("timeout");
		this.patienceMillis = intArg("patience-ms");
		this.rehearsal = this.args.containsKey("rehearsal") ? intArg("rehearsal") : 0;
	}

	public static void main(String[] args) {
		new PollFlood(args).run();
	}

	/**
	 * The same requests on new connections, answered at once ({@code timeout=0}), {@link #REHEARSING}
	 * at a time: a server that has served such connections before, as one in service has, and an
	 * attacker whose code is compiled. Without it the attack is both processes' first, and on two
	 * cores the JIT compilers take half of the CPU of its first seconds.
	 */
	@Override
	void rehearse() {
		if (this.rehearsal == 0) {
			return;
		}
		var bootstrap = bootstrap().handler(new ChannelInitializer<SocketChannel>() {
			@Override
			protected void initChannel(SocketChannel channel) {
				channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
			}
		});
		var done = new CompletableFuture<Void>();
		var left = new int[] { this.rehearsal, this.rehearsal };
		Runnable[] next = new Runnable[1];
		next[0] = () -> {
			if (left[0] == 0) {
				return;
			}
			int vf = (this.from + left[0]--) % this.vfs;
			bootstrap.connect().addListener((ChannelFuture connected) -> {
				Runnable finish = () -> {
					if (--left[1] == 0) {
						done.complete(null);
					}
					next[0].run();
				};
				if (!connected.isSuccess()) {
					finish.run();
					return;
				}
				Channel channel = connected.channel();
				channel.closeFuture().addListener((closed) -> finish.run());
				channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
					@Override
					protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
						ctx.close();
					}
				});
				channel.writeAndFlush(HttpConnection.get("/api/v1/vfs/" + vf + "/invalidations?timeout=0"));
			});
		};
		this.loop.execute(() -> {
			for (int i = 0; i < REHEARSING; i++) {
				next[0].run();
			}
		});
		try {
			done.get(this.patienceMillis * 4, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Only colder: the attack itself still runs.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	void start() {
		var bootstrap = bootstrap().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.patienceMillis)
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
				}
			});
		for (int i = 0; i < this.count; i++) {
			var poll = new Poll((this.from + i) % this.vfs);
			this.polls.add(poll);
			poll.started = System.nanoTime();
			bootstrap.connect().addListener((ChannelFuture done) -> {
				if (done.isSuccess()) {
					poll.connected(done.channel());
				}
				else {
					poll.resolve(connectFailure(done.cause()));
				}
			});
		}
	}

	private static String connectFailure(Throwable cause) {
		if (cause instanceof ConnectTimeoutException) {
			return "connect timed out";
		}
		if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).contains("refused")) {
			return "connect refused";
		}
		return "connect failed";
	}

	@Override
	boolean finished() {
		return this.resolved == this.count;
	}

	@Override
	AttackReport stop() {
		this.polls.forEach((poll) -> poll.resolve("unresolved at stop"));
		this.counts.put("polls", (long) this.count);
		return new AttackReport(this.counts, List.of(), this.connectMillis);
	}

	/** One poll: connect, send, and the first of an answer, a close or the deadline decides. */
	private final class Poll extends SimpleChannelInboundHandler<FullHttpResponse> {

		private final int vf;

		private long started;

		private Channel channel;

		private ScheduledFuture<?> deadline;

		private boolean done;

		Poll(int vf) {
			this.vf = vf;
		}

		void connected(Channel channel) {
			this.channel = channel;
			PollFlood.this.connectMillis.add(millisSince(this.started));
			channel.pipeline().addLast(this);
			channel.writeAndFlush(HttpConnection.get("/api/v1/vfs/" + this.vf + "/invalidations?timeout=" + PollFlood.this.timeout));
			this.deadline = PollFlood.this.loop.schedule(() -> resolve("no answer in time"), PollFlood.this.patienceMillis,
					TimeUnit.MILLISECONDS);
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
			int status = response.status().code();
			if (status == 429 && !response.headers().contains("Retry-After")) {
				PollFlood.this.counts.merge("429 without Retry-After", 1L, Long::sum);
			}
			resolve("status " + status);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			resolve("closed without an answer");
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			resolve("reset without an answer");
		}

		void resolve(String outcome) {
			if (this.done) {
				return;
			}
			this.done = true;
			PollFlood.this.resolved++;
			PollFlood.this.counts.merge(outcome, 1L, Long::sum);
			if (this.deadline != null) {
				this.deadline.cancel(false);
			}
			if (this.channel != null) {
				this.channel.close();
			}
		}

	}

}
