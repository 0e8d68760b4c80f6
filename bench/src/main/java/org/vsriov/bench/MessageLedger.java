package org.vsriov.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * The peer scenario's check that every message published for a VF reaches that VF's poll exactly
 * once and in order, whichever server carries it, and its latency. {@link PeerLoad} publishes to
 * one VF one message at a time, so a VF's messages are in the order they were sent. Message n of a
 * VF carries bit n % 64 of its block mask, and at most 64 of a VF's messages are undelivered at
 * once, so a mask names its messages: an answer must carry the VF's oldest undelivered messages, one
 * (nchan) or several merged (vsriov's coalescing). Latency runs from when a message was due on the
 * schedule to when its answer was read. Thread-safe: the HTTP client's threads call it.
 */
final class MessageLedger {

	static final int MAX_UNDELIVERED = 64;

	private static final int KEPT_ERRORS = 10;

	private final List<ArrayDeque<Message>> undelivered = new ArrayList<>();

	private final long[] published;

	private final List<String> errors = new ArrayList<>();

	private long errorCount;

	private long outstanding;

	private final Histogram latencyMicros = new Histogram(600_000_000L, 3);

	private long measureFrom = Long.MAX_VALUE;

	private long measureTo = Long.MAX_VALUE;

	private long deliveries;

	private long messagesDelivered;

	// The measured messages' due and delivery times, for what held up the slowest (slowOnes).
	private long[] measuredDue = new long[1024];

	private long[] measuredReceived = new long[1024];

	private int measured;

	MessageLedger(int vfs) {
		this.published = new long[vfs];
		for (int vf = 0; vf < vfs; vf++) {
			this.undelivered.add(new ArrayDeque<>());
		}
	}

	/**
	 * Measures messages due in {@code [from, to)} (their latency) and answers read then (deliveries
	 * and their messages, for the rate).
	 */
	synchronized void measure(long from, long to) {
		this.measureFrom = from;
		this.measureTo = to;
	}

	/** Whether the VF has as many undelivered messages as its mask has bits. */
	synchronized boolean full(int vf) {
		return this.undelivered.get(vf).size() >= MAX_UNDELIVERED;
	}

	/** The VF's next message, about to be published; null if the VF is {@link #full}. */
	synchronized Message publish(int vf, long dueNanos) {
		if (full(vf)) {
			return null;
		}
		long seq = this.published[vf]++;
		var message = new Message(vf, seq, 1L << (seq % MAX_UNDELIVERED), dueNanos);
		this.undelivered.get(vf).add(message);
		this.outstanding++;
		return message;
	}

	/** The server accepted the message (202, or nchan's 201). */
	synchronized void accepted(Message message, long nanos) {
		message.acceptedNanos = nanos;
	}

	/** The publish failed: the run fails, and nothing more is expected of the message. */
	synchronized void refused(Message message, String why) {
		error("publish of VF " + message.vf + "'s message #" + message.seq + " failed: " + why);
		if (this.undelivered.get(message.vf).remove(message)) {
			this.outstanding--;
		}
	}

	/**
	 * An answer with messages, {@code mask}, to the VF's poll. (Whether it should have brought more is
	 * left alone: nchan answers one message at a time.)
	 */
	synchronized void delivered(int vf, long mask, long receivedNanos) {
		var waiting = this.undelivered.get(vf);
		long expected = 0;
		int count = 0;
		for (Message message : waiting) {
			if ((message.mask & mask) == 0) {
				break;
			}
			expected |= message.mask;
			count++;
		}
		if (count == 0 || expected != mask) {
			error("VF " + vf + " got " + hex(mask) + ", but its oldest undelivered messages are "
					+ describe(waiting) + ": a message out of order, twice, or never sent");
			return;
		}
		for (int i = 0; i < count; i++) {
			var message = waiting.poll();
			this.outstanding--;
			if (message.dueNanos >= this.measureFrom && message.dueNanos < this.measureTo) {
				this.latencyMicros.recordValue(Math.max(0, (receivedNanos - message.dueNanos) / 1000));
				if (this.measured == this.measuredDue.length) {
					this.measuredDue = Arrays.copyOf(this.measuredDue, this.measured * 2);
					this.measuredReceived = Arrays.copyOf(this.measuredReceived, this.measured * 2);
				}
				this.measuredDue[this.measured] = message.dueNanos;
				this.measuredReceived[this.measured++] = receivedNanos;
			}
		}
		if (receivedNanos >= this.measureFrom && receivedNanos < this.measureTo) {
			this.deliveries++;
			this.messagesDelivered += count;
		}
	}

	/**
	 * An answer without a message (a poll timeout) to the VF's poll sent at {@code pollSentNanos}: it
	 * must not leave behind a message accepted before the poll was sent.
	 */
	synchronized void timedOut(int vf, long pollSentNanos) {
		var next = this.undelivered.get(vf).peek();
		if (next != null && next.acceptedNanos < pollSentNanos) {
			error("VF " + vf + ": a poll sent after message #" + next.seq + " was accepted timed out without it");
		}
	}

	synchronized void error(String message) {
		this.errorCount++;
		if (this.errors.size() < KEPT_ERRORS) {
			this.errors.add(message);
		}
	}

	/** Messages published and not delivered yet. */
	synchronized long outstanding() {
		return this.outstanding;
	}

	/**
	 * What held up the slowest 1 % of the measured messages: how many were due or on their way during a
	 * pause of the server's JVM, or of the load generator's own; and the p99 of the messages that met
	 * no pause of either. A message meets a pause if the pause overlaps its time from due to delivered:
	 * a slow message spans more time, so it meets one more often by chance too.
	 */
	synchronized SlowOnes slowOnes(JvmPauses server, JvmPauses generator) {
		var unpaused = new Histogram(600_000_000L, 3);
		Integer[] byLatency = new Integer[this.measured];
		for (int i = 0; i < this.measured; i++) {
			byLatency[i] = i;
			if (!paused(server, i) && !paused(generator, i)) {
				unpaused.recordValue(Math.max(0, (this.measuredReceived[i] - this.measuredDue[i]) / 1000));
			}
		}
		Arrays.sort(byLatency, Comparator.comparingLong((Integer i) -> this.measuredReceived[i] - this.measuredDue[i])
			.reversed());
		int slowest = (this.measured + 99) / 100;
		int atServer = 0;
		int atGenerator = 0;
		int atEither = 0;
		for (int rank = 0; rank < slowest; rank++) {
			boolean serverPaused = paused(server, byLatency[rank]);
			boolean generatorPaused = paused(generator, byLatency[rank]);
			atServer += serverPaused ? 1 : 0;
			atGenerator += generatorPaused ? 1 : 0;
			atEither += (serverPaused || generatorPaused) ? 1 : 0;
		}
		return new SlowOnes(slowest, atServer, atGenerator, atEither, unpaused.getValueAtPercentile(99) / 1000.0,
				server, generator);
	}

	private boolean paused(JvmPauses pauses, int message) {
		return pauses != null && pauses.during(this.measuredDue[message], this.measuredReceived[message]);
	}

	/**
	 * What held up the slowest measured messages ({@link #slowOnes}).
	 *
	 * @param slowest the slowest 1 % of the measured messages
	 * @param atServerPause of those, the ones due or on their way during a pause of the server's JVM
	 * @param atGeneratorPause of those, the ones during a pause of the load generator's JVM
	 * @param atEitherPause of those, the ones during a pause of either
	 * @param p99WithoutPauses the p99 of the messages that met no pause of either, in ms
	 * @param server the server JVM's pauses in the window, or null if it is no JVM
	 * @param generator the load generator's pauses in the window, or null if it has no safepoint log
	 */
	record SlowOnes(int slowest, int atServerPause, int atGeneratorPause, int atEitherPause, double p99WithoutPauses,
			JvmPauses server, JvmPauses generator) {
	}

	/** The latencies of the messages due in the measured window, in microseconds. */
	synchronized Histogram latencyMicros() {
		return this.latencyMicros.copy();
	}

	/** Answers with messages read in the measured window. */
	synchronized long deliveries() {
		return this.deliveries;
	}

	/** Messages those answers carried (more than the deliveries when vsriov merged some). */
	synchronized long messagesDelivered() {
		return this.messagesDelivered;
	}

	/**
	 * The errors so far, then every message still undelivered as loss (forgotten once reported,
	 * so that each is reported once).
	 */
	synchronized List<String> takeErrors() {
		var lines = new ArrayList<>(this.errors);
		if (this.errorCount > this.errors.size()) {
			lines.add("... and " + (this.errorCount - this.errors.size()) + " more errors");
		}
		this.errors.clear();
		this.errorCount = 0;
		if (this.outstanding > 0) {
			for (var waiting : this.undelivered) {
				if (!waiting.isEmpty() && lines.size() < 2 * KEPT_ERRORS) {
					lines.add("LOST: VF " + waiting.peek().vf + " never received " + describe(waiting));
				}
				waiting.clear();
			}
			lines.add("LOST: " + this.outstanding + " message(s) in all");
			this.outstanding = 0;
		}
		return lines;
	}

	private static String describe(ArrayDeque<Message> waiting) {
		if (waiting.isEmpty()) {
			return "none";
		}
		var first = waiting.peek();
		return "#" + first.seq + (waiting.size() > 1 ? " to #" + (first.seq + waiting.size() - 1) : "") + " (first "
				+ hex(first.mask) + ")";
	}

	static String hex(long mask) {
		return String.format("0x%016x", mask);
	}

	/** One message published for a VF: its number, its bit, and when it was due and accepted. */
	static final class Message {

		final int vf;

		final long seq;

		final long mask;

		final long dueNanos;

		// Written and read under the ledger's lock.
		private long acceptedNanos = Long.MAX_VALUE;

		Message(int vf, long seq, long mask, long dueNanos) {
			this.vf = vf;
			this.seq = seq;
			this.mask = mask;
			this.dueNanos = dueNanos;
		}

	}

}
