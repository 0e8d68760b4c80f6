package org.vsriov.bench;

import java.util.concurrent.TimeUnit;

/**
 * A fixed-rate publish schedule: message {@code i} is due at {@code start + i / rate}, and a ticker
 * that runs every millisecond from {@code start} sends whatever is due by then. Latency counts from
 * when a message was due, so the schedule must neither send a message a tick after it fell due (a
 * millisecond added to every latency) nor tick at a phase of its own (up to a millisecond more, a
 * different amount in each run).
 *
 * @param start when message 0 is due, in {@link System#nanoTime()}; a little ahead of the ticker's
 * first run, so that its ticks fall on the due times
 * @param perSecond messages a second
 */
record Schedule(long start, double perSecond) {

	/** The ticker's period. */
	static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	// Far enough ahead for the ticker to be scheduled before its first tick is due.
	private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/** A schedule whose first message is due shortly. */
	static Schedule startingSoon(double perSecond) {
		return new Schedule(System.nanoTime() + LEAD_NANOS, perSecond);
	}

	/** How long from now until the ticker's first run, so that its ticks fall on {@link #start()}. */
	long initialDelayNanos() {
		return Math.max(0, this.start - System.nanoTime());
	}

	/** How many messages are due at or before {@code now}. */
	long dueBy(long now) {
		return (now < this.start) ? 0 : (long) ((now - this.start) * this.perSecond / 1e9) + 1;
	}

	/** When message {@code index} is due: the first nanosecond at which {@link #dueBy} counts it. */
	long dueAt(long index) {
		return this.start + (long) Math.ceil(index * 1e9 / this.perSecond);
	}

}
