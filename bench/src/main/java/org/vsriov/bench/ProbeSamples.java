package org.vsriov.bench;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

import org.HdrHistogram.Histogram;

/**
 * Reads the probe's samples: the figures of a window (the attack) and the recovery after it. The
 * server has recovered when a PF invalidation and a health request on new connections are again
 * answered with success within 100 ms five times in a row, and a VF's poll is answered.
 */
final class ProbeSamples {

	static final long FAST_NANOS = 100_000_000L;

	static final int IN_A_ROW = 5;

	private ProbeSamples() {
	}

	/**
	 * When the stream was answered fast again after {@code stopNanos}: the end of the first of
	 * {@link #IN_A_ROW} requests in a row (in the order they were sent, from {@code stopNanos} on) each
	 * answered with its success status within {@link #FAST_NANOS}.
	 * @return nanoseconds from {@code stopNanos}, or empty if that has not happened yet
	 */
	static OptionalLong fastAgain(List<Probe.Sample> samples, Probe.Stream stream, long stopNanos) {
		var sent = samples.stream()
			.filter((sample) -> sample.stream() == stream && sample.sentNanos() >= stopNanos)
			.sorted(Comparator.comparingLong(Probe.Sample::sentNanos))
			.toList();
		int run = 0;
		for (int i = 0; i < sent.size(); i++) {
			Probe.Sample sample = sent.get(i);
			boolean fast = stream.worked(sample.status()) && sample.doneNanos() - sample.sentNanos() <= FAST_NANOS;
			run = fast ? run + 1 : 0;
			if (run == IN_A_ROW) {
				return OptionalLong.of(sent.get(i - IN_A_ROW + 1).doneNanos() - stopNanos);
			}
		}
		return OptionalLong.empty();
	}

	/** When the stream was first answered with success after {@code stopNanos}, from {@code stopNanos}. */
	static OptionalLong firstWorked(List<Probe.Sample> samples, Probe.Stream stream, long stopNanos) {
		return samples.stream()
			.filter((sample) -> sample.stream() == stream && sample.sentNanos() >= stopNanos
					&& stream.worked(sample.status()))
			.mapToLong((sample) -> sample.doneNanos() - stopNanos)
			.min();
	}

	/**
	 * The recovery: the latest of the PF invalidation and health on new connections answered fast again,
	 * and a VF poll answered.
	 * @return nanoseconds from {@code stopNanos}, or empty if the server has not recovered yet
	 */
	static OptionalLong of(List<Probe.Sample> samples, long stopNanos) {
		var pf = fastAgain(samples, Probe.Stream.PF_NEW_CONNECTION, stopNanos);
		var health = fastAgain(samples, Probe.Stream.HEALTH, stopNanos);
		var vf = firstWorked(samples, Probe.Stream.VF_POLL, stopNanos);
		if (pf.isEmpty() || health.isEmpty() || vf.isEmpty()) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(Math.max(pf.getAsLong(), Math.max(health.getAsLong(), vf.getAsLong())));
	}

	/**
	 * The latencies of the stream's requests sent in [fromNanos, toNanos), in microseconds; an
	 * unanswered request counts as the probe's limit of 5 s.
	 */
	static Histogram latencies(List<Probe.Sample> samples, Probe.Stream stream, long fromNanos, long toNanos) {
		var histogram = new Histogram(60_000_000L, 3);
		window(samples, stream, fromNanos, toNanos).forEach((sample) -> histogram
			.recordValue(sample.answered() ? Math.max(0, sample.micros()) : Probe.LIMIT_NANOS / 1000));
		return histogram;
	}

	/** The stream's requests sent in [fromNanos, toNanos) that were not answered. */
	static long unanswered(List<Probe.Sample> samples, Probe.Stream stream, long fromNanos, long toNanos) {
		return window(samples, stream, fromNanos, toNanos).filter((sample) -> !sample.answered()).count();
	}

	/** The stream's requests sent in [fromNanos, toNanos) answered with another status than success. */
	static long failed(List<Probe.Sample> samples, Probe.Stream stream, long fromNanos, long toNanos) {
		return window(samples, stream, fromNanos, toNanos)
			.filter((sample) -> sample.answered() && !stream.worked(sample.status()))
			.count();
	}

	static long count(List<Probe.Sample> samples, Probe.Stream stream, long fromNanos, long toNanos) {
		return window(samples, stream, fromNanos, toNanos).count();
	}

	/** The stream's requests sent in [fromNanos, toNanos) answered, but in more than {@code limitNanos}. */
	static List<Probe.Sample> slow(List<Probe.Sample> samples, Probe.Stream stream, long fromNanos, long toNanos,
			long limitNanos) {
		return window(samples, stream, fromNanos, toNanos)
			.filter((sample) -> sample.answered() && sample.doneNanos() - sample.sentNanos() > limitNanos)
			.toList();
	}

	private static java.util.stream.Stream<Probe.Sample> window(List<Probe.Sample> samples, Probe.Stream stream,
			long fromNanos, long toNanos) {
		return samples.stream()
			.filter((sample) -> sample.stream() == stream && sample.sentNanos() >= fromNanos
					&& sample.sentNanos() < toNanos);
	}

}
