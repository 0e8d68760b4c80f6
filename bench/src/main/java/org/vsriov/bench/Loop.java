package org.vsriov.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * The load generator's one event-loop thread: every connection, every timer and the ledger live on
 * it, so none of them needs a lock, and send and receipt times come from one thread.
 */
final class Loop implements AutoCloseable {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final EventLoop loop = this.group.next();

	private final Bootstrap bootstrap;

	// Failures outside any request's own accounting (a handler that threw, a timer task): on the loop.
	private final List<String> failures = new ArrayList<>();

	Loop(int port) {
		this.bootstrap = new Bootstrap().group(this.loop)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
			.remoteAddress(new InetSocketAddress("127.0.0.1", port))
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
				}
			});
	}

	/** Records a failure that the ledger does not see; the run then fails. Call on the loop. */
	void failed(String what, Throwable cause) {
		this.failures.add(what + ": " + cause);
	}

	/** Runs a task on the loop now, recording it as a failure if it throws. */
	Runnable guarded(String what, Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				failed(what, ex);
			}
		};
	}

	/** The failures recorded since the last call. Call on the loop. */
	List<String> takeFailures() {
		var taken = List.copyOf(this.failures);
		this.failures.clear();
		return taken;
	}

	/** Runs the task on the loop and waits for it. */
	void run(Runnable task) {
		call(() -> {
			task.run();
			return null;
		});
	}

	Bootstrap bootstrap() {
		return this.bootstrap;
	}

	EventLoop executor() {
		return this.loop;
	}

	/** Runs the task on the loop and waits for its answer. */
	<T> T call(Callable<T> task) {
		try {
			return this.loop.submit(task).get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

}
