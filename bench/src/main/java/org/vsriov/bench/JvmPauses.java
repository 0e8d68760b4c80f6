package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses of a JVM, read from its safepoint log ({@link #logOption}): every thread
 * of the process stood still in each, the collector's pauses included. The log's lines are dated
 * with {@code timenanos}, the clock of {@link System#nanoTime()} in every JVM on the machine, so that
 * they line up with the load's own times.
 */
final class JvmPauses {

	/** The system property naming the load generator's own safepoint log (bench/run sets both). */
	static final String GENERATOR_LOG = "vsriov.bench.safepoint-log";

	// "[123ns] Safepoint "G1CollectForAllocation", Time since last: ..., Total: 4567 ns, Threads: ...": written as it ends.
	private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ns\\].* Safepoint \"[^\"]*\".* Total: (\\d+) ns");

	/** Pauses under a millisecond hold up a delivery by less than the measurement can tell. */
	private static final long COUNTED_NANOS = 1_000_000;

	private final long[] starts;

	private final long[] ends;

	private JvmPauses(long[] starts, long[] ends) {
		this.starts = starts;
		this.ends = ends;
	}

	/** The JVM option that makes {@code log} a safepoint log this class reads (quoted: a path may hold a colon). */
	static String logOption(Path log) {
		return "-Xlog:safepoint:file=\"" + log.toAbsolutePath() + "\":timenanos";
	}

	/** The load generator's own log, if bench/run started it with one. */
	static Path generatorLog() {
		String log = System.getProperty(GENERATOR_LOG);
		return (log != null) ? Path.of(log) : null;
	}

	/** The pauses of a millisecond or more in the log that overlap {@code [from, to)}; null without a log. */
	static JvmPauses read(Path log, long from, long to) {
		if (log == null || !Files.exists(log)) {
			return null;
		}
		var starts = new ArrayList<Long>();
		var ends = new ArrayList<Long>();
		try {
			for (String line : Files.readAllLines(log)) {
				var matcher = LINE.matcher(line);
				if (matcher.find()) {
					long end = Long.parseLong(matcher.group(1));
					long total = Long.parseLong(matcher.group(2));
					if (total >= COUNTED_NANOS && end >= from && end - total < to) {
						starts.add(end - total);
						ends.add(end);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new JvmPauses(starts.stream().mapToLong(Long::longValue).toArray(),
				ends.stream().mapToLong(Long::longValue).toArray());
	}

	/** Whether a pause overlapped {@code [from, to]}. */
	boolean during(long from, long to) {
		// Few pauses in a window (tens): a scan is enough.
		for (int i = 0; i < this.starts.length; i++) {
			if (this.starts[i] <= to && this.ends[i] >= from) {
				return true;
			}
		}
		return false;
	}

	int count() {
		return this.starts.length;
	}

	/** This JVM's count of pauses and its longest, as "{@code jvm} JVM: ..." figures. */
	void addTo(Report.Scenario scenario, String jvm) {
		scenario.add(jvm + " JVM: pauses of 1 ms or more", count(), "");
		scenario.add(jvm + " JVM: longest pause", longestNanos() / 1e6, "ms");
	}

	long longestNanos() {
		long longest = 0;
		for (int i = 0; i < this.starts.length; i++) {
			longest = Math.max(longest, this.ends[i] - this.starts[i]);
		}
		return longest;
	}

}
