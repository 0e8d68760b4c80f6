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

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Attacks 3 and 4, a flood of long polls (an attacker process, see {@link AttackProcess}): every poll
 * on a new connection of its own, all opened at once, each sent once; what became of each is
 * counted: its status, or how it went unanswered. With {@code --rehearsal N}, N polls answered at
 * once go first, before the process reports ready.
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
		var rehearsal = new Rehearsal();
		this.loop.execute(() -> {
			for (int i = 0; i < REHEARSING; i++) {
				rehearsal.send();
			}
		});
		try {
			rehearsal.done.get(this.patienceMillis * 4, TimeUnit.MILLISECONDS);
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
		var bootstrap = httpBootstrap();
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

	private Bootstrap httpBootstrap() {
		return bootstrap().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.patienceMillis)
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
				}
			});
	}

	private static FullHttpRequest poll(int vf, String timeout) {
		return HttpConnection.get("/api/v1/vfs/" + vf + "/invalidations?timeout=" + timeout);
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
			channel.writeAndFlush(poll(this.vf, PollFlood.this.timeout));
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

	/** The rehearsal's polls, on the loop: one is sent when another ends. */
	private final class Rehearsal {

		private final Bootstrap bootstrap = httpBootstrap();

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private int unsent = PollFlood.this.rehearsal;

		private int unfinished = PollFlood.this.rehearsal;

		void send() {
			if (this.unsent == 0) {
				return;
			}
			int vf = (PollFlood.this.from + this.unsent--) % PollFlood.this.vfs;
			this.bootstrap.connect().addListener((ChannelFuture connected) -> {
				if (!connected.isSuccess()) {
					finished();
					return;
				}
				Channel channel = connected.channel();
				channel.closeFuture().addListener((closed) -> finished());
				channel.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
					@Override
					protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
						ctx.close();
					}
				});
				channel.writeAndFlush(poll(vf, "0"));
			});
		}

		private void finished() {
			if (--this.unfinished == 0) {
				this.done.complete(null);
			}
			send();
		}

	}

}
