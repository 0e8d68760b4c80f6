package org.vsriov.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * The part of an attacker process that talks to the benchmark, which launched it (see
 * {@link Attackers}): it prints a ready line, attacks on {@code go}, stops on {@code stop} (or
 * when its attack has finished by itself) and prints its {@link AttackReport}. Its stdin closing
 * means the benchmark is gone: it then exits at once, so that no attacker outlives a run.
 */
abstract class AttackProcess {

	// A last resort if the benchmark neither stops nor dies (its stdin stays open, say when it hangs).
	private static final long MAX_SECONDS = 600;

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	/** The one thread every connection, timer and count of the attack lives on. */
	final EventLoop loop = this.group.next();

	final Map<String, String> args;

	final int port;

	// The loopback address its connections come from, or null for the kernel's choice (127.0.0.1).
	private final String source;

	AttackProcess(String[] args) {
		this.args = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			this.args.put(args[i].replaceFirst("^--", ""), args[i + 1]);
		}
		this.port = intArg("port");
		this.source = this.args.get("source");
	}

	int intArg(String name) {
		String value = this.args.get(name);
		if (value == null) {
			throw new IllegalArgumentException("--" + name + " is required");
		}
		return Integer.parseInt(value);
	}

	/** A bootstrap for connections to the server, on the attack's thread; the caller adds the handler. */
	Bootstrap bootstrap() {
		var bootstrap = new Bootstrap().group(this.loop)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.remoteAddress(new InetSocketAddress("127.0.0.1", this.port));
		// An address of its own: the kernel's search for a free ephemeral port to one destination took
		// seconds of connect() calls once another 15,000 connections to it held ports.
		return (this.source != null) ? bootstrap.localAddress(new InetSocketAddress(this.source, 0)) : bootstrap;
	}

	/**
	 * What the attack does to the server before it reports ready, if anything: off the loop, and
	 * returns once it is done.
	 */
	void rehearse() {
	}

	/** Starts the attack. Runs on the loop. */
	abstract void start();

	/** Whether the attack has finished by itself (every poll has its fate). Runs on the loop. */
	boolean finished() {
		return false;
	}

	/** Stops the attack, closes every connection it holds, and says what it saw. Runs on the loop. */
	abstract AttackReport stop();

	/** The process's life: its rehearsal if it has one, ready, go, the attack, the report. */
	final void run() {
		var stopped = new CountDownLatch(1);
		var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		halter("the benchmark gave no stop within " + MAX_SECONDS + " s", MAX_SECONDS);
		warmUp();
		rehearse();
		System.out.println(AttackReport.READY);
		System.out.flush();
		try {
			if (!"go".equals(stdin.readLine())) {
				Runtime.getRuntime().halt(0);
			}
		}
		catch (IOException ex) {
			Runtime.getRuntime().halt(0);
		}
		long cpuAtGo = cpuNanos();
		onLoop(() -> {
			start();
			return null;
		});
		// From once the attack is under way: opening its connections is a stall of its own.
		var lag = new LoopLag(this.loop);
		var watcher = new Thread(() -> {
			try {
				String line;
				while ((line = stdin.readLine()) != null) {
					if ("stop".equals(line)) {
						stopped.countDown();
					}
				}
			}
			catch (IOException ex) {
				// as an end of input
			}
			// The benchmark has gone: leave nothing behind (once told to stop, the report is on its way).
			if (stopped.getCount() > 0) {
				Runtime.getRuntime().halt(0);
			}
		}, "stdin");
		watcher.setDaemon(true);
		watcher.start();
		try {
			while (!stopped.await(20, TimeUnit.MILLISECONDS) && !onLoop(this::finished)) {
				// the attack goes on on its loop
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		AttackReport attack = onLoop(this::stop);
		// Its own CPU too: on two cores, what the attackers take is not the server's.
		var counts = new HashMap<>(attack.counts());
		counts.put("cpu ms", TimeUnit.NANOSECONDS.toMillis(cpuNanos() - cpuAtGo));
		counts.put("loop lag max ms", lag.maxMillis());
		var report = new AttackReport(counts, attack.closeMillis(), attack.connectMillis());
		System.out.println(report.toJson());
		System.out.flush();
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		System.exit(0);
	}

	/**
	 * One HTTP exchange with a socket of this process's own before the attack: else loading Netty's
	 * classes delays the first connects by a second or so, and the attack would start late.
	 */
	private void warmUp() {
		try (var local = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			var answered = new CompletableFuture<Object>();
			new Bootstrap().group(this.loop)
				.channel(NioSocketChannel.class)
				.handler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel channel) {
						channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 10),
								new SimpleChannelInboundHandler<FullHttpResponse>() {
									@Override
									protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
										answered.complete(response.status());
										ctx.close();
									}
								});
					}
				})
				.connect(local.getLocalSocketAddress())
				.addListener((ChannelFuture done) -> {
					if (done.isSuccess()) {
						done.channel().writeAndFlush(HttpConnection.get("/"));
					}
				});
			try (Socket peer = local.accept()) {
				peer.getInputStream().read(new byte[1024]);
				peer.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				answered.get(10, TimeUnit.SECONDS);
			}
		}
		catch (IOException | ExecutionException | TimeoutException ex) {
			// Only slower: the attack itself still runs.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private <T> T onLoop(Callable<T> task) {
		try {
			return this.loop.submit(task).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
	}

	private static void halter(String why, long seconds) {
		var thread = new Thread(() -> {
			try {
				TimeUnit.SECONDS.sleep(seconds);
			}
			catch (InterruptedException ex) {
				return;
			}
			System.err.println("attacker: " + why);
			Runtime.getRuntime().halt(3);
		}, "halter");
		thread.setDaemon(true);
		thread.start();
	}

	/** Milliseconds from {@code nanos} ({@link System#nanoTime()}) to now. */
	static long millisSince(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
	}

}
