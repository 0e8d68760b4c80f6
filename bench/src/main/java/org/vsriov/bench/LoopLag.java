package org.vsriov.bench;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoop;

/**
 * How late an event loop ran a task due every 10 ms, at worst: a check that the measuring side
 * (the probe, an attacker) kept up, and that a slow answer was the server's.
 */
final class LoopLag {

	private static final long EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final ScheduledFuture<?> ticker;

	private long due;

	private volatile long maxNanos;

	LoopLag(EventLoop loop) {
		this.due = System.nanoTime() + EVERY_NANOS;
		this.ticker = loop.scheduleAtFixedRate(() -> {
			long now = System.nanoTime();
			this.maxNanos = Math.max(this.maxNanos, now - this.due);
			// From now, not from the schedule: a stall counts once, not again for every tick it missed.
			this.due = now + EVERY_NANOS;
		}, EVERY_NANOS, EVERY_NANOS, TimeUnit.NANOSECONDS);
	}

	/** The worst lateness so far, in milliseconds. */
	long maxMillis() {
		return TimeUnit.NANOSECONDS.toMillis(this.maxNanos);
	}

	void stop() {
		this.ticker.cancel(false);
	}

}
