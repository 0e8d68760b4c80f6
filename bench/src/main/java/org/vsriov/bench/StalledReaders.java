package org.vsriov.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/**
 * Attack 1, stalled readers (an attacker process, see {@link AttackProcess}): connections that
 * pipeline {@code GET /api/v1/pf} (some 700 KB an answer with 4,000 VFs) over and over and never read
 * a byte, so that every write of an answer blocks once the socket buffers are full. Each sends a burst
 * of requests, then one more every 100 ms: enough to stall the server, while the kernel's buffers do
 * not soak up gigabytes of requests and the attacker's CPU stays the server's; and a write every
 * 100 ms sees a close by the server (a reset) at once.
 */
final class StalledReaders extends AttackProcess {

	private static final byte[] REQUEST = "GET /api/v1/pf HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
		.getBytes(StandardCharsets.US_ASCII);

	private static final int BURST = 64;

	private static final long EVERY_MILLIS = 100;

	private final int connections;

	private final List<Channel> open = new ArrayList<>();

	private final List<Long> closeMillis = new ArrayList<>();

	private final List<Long> connectMillis = new ArrayList<>();

	private long connectFailed;

	private long requestsQueued;

	private boolean stopping;

	private StalledReaders(String[] args) {
		super(args);
		this.connections = intArg("connections");
	}

	public static void main(String[] args) {
		new StalledReaders(args).run();
	}

	@Override
	void start() {
		for (int i = 0; i < this.connections; i++) {
			long started = System.nanoTime();
			// Never reading is the attack: the answers pile up in the socket buffers, then in the server.
			bootstrap().option(ChannelOption.AUTO_READ, false)
				.handler(new Pipeliner(started))
				.connect()
				.addListener((ChannelFuture done) -> {
					if (!done.isSuccess()) {
						this.connectFailed++;
					}
				});
		}
		this.loop.scheduleWithFixedDelay(() -> List.copyOf(this.open).forEach((channel) -> send(channel, 1)),
				EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
	}

	// Only while Netty's own buffer is below its high-water mark: a request more is no more attack.
	private void send(Channel channel, int requests) {
		for (int i = 0; i < requests && channel.isWritable() && !this.stopping; i++) {
			channel.write(Unpooled.wrappedBuffer(REQUEST));
			this.requestsQueued++;
		}
		channel.flush();
	}

	@Override
	AttackReport stop() {
		this.stopping = true;
		this.open.forEach(Channel::close);
		var counts = Map.of("connections", (long) this.connections, "connected", (long) this.connectMillis.size(),
				"connect failed", this.connectFailed, "closed by server", (long) this.closeMillis.size(),
				"requests queued", this.requestsQueued);
		return new AttackReport(counts, this.closeMillis, this.connectMillis);
	}

	/** Writes requests for as long as the connection takes them, and notes when the server closes it. */
	private final class Pipeliner extends ChannelInboundHandlerAdapter {

		private final long started;

		private long opened;

		Pipeliner(long started) {
			this.started = started;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.opened = System.nanoTime();
			StalledReaders.this.connectMillis.add(millisSince(this.started));
			StalledReaders.this.open.add(ctx.channel());
			send(ctx.channel(), BURST);
		}

		// Without reads, a close is seen when a write fails: a server that closes a connection with our
		// requests still unread resets it.
		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			StalledReaders.this.open.remove(ctx.channel());
			if (!StalledReaders.this.stopping) {
				StalledReaders.this.closeMillis.add(millisSince(this.opened));
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
