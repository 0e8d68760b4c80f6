package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the whole machine did while a server was measured, from /proc: the CPU every process used
 * ({@code /proc/stat}), less the server's and the load generator's, is what something else took
 * from the run; and {@code /proc/loadavg}. The peer scenario compares two servers measured one
 * after the other, so a run in which something else was busy is not comparable.
 *
 * @param busyTicks user, nice and system time of every CPU, in ticks
 * @param interruptTicks irq and softirq time, in ticks: mostly loopback networking of the load itself,
 *     which no process is charged for
 * @param loadAverage the one-minute load average
 */
record MachineLoad(long busyTicks, long interruptTicks, double loadAverage) {

	/**
	 * Others may use at most a tenth of a core. On a quiet machine they took 0 to 4 % of a core in the
	 * peer scenario's windows (the machine's own daemons); while a Maven build ran beside it, 30 to 90 %.
	 * The load generator and vsriov together need about the two cores there are (issue 13), so a tenth
	 * of a core taken shows in the latencies.
	 */
	static final double MAX_OTHERS_CORES = 0.10;

	/** Now. */
	static MachineLoad now() {
		try {
			return parse(Files.readAllLines(Path.of("/proc/stat")).get(0), Files.readString(Path.of("/proc/loadavg")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** From the {@code cpu} line of /proc/stat and the content of /proc/loadavg. */
	static MachineLoad parse(String cpuLine, String loadavg) {
		String[] fields = cpuLine.trim().split("\\s+");
		if (!fields[0].equals("cpu")) {
			throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
		}
		// cpu user nice system idle iowait irq softirq ...; guest time is already in user.
		long busy = Long.parseLong(fields[1]) + Long.parseLong(fields[2]) + Long.parseLong(fields[3]);
		long interrupts = Long.parseLong(fields[6]) + Long.parseLong(fields[7]);
		return new MachineLoad(busy, interrupts, Double.parseDouble(loadavg.trim().split("\\s+")[0]));
	}

	/**
	 * The cores that processes other than the two measured ones used on average since {@code before}.
	 * @param measuredNanos the server's and the load generator's CPU time over the same interval
	 */
	double othersCores(MachineLoad before, long measuredNanos, double seconds) {
		long busyNanos = (this.busyTicks - before.busyTicks) * ServerProcess.NANOS_PER_TICK;
		// Ticks are 10 ms: a slightly negative remainder is rounding.
		return Math.max(0, busyNanos - measuredNanos) / 1e9 / seconds;
	}

	/** The cores interrupt handling used on average since {@code before}. */
	double interruptCores(MachineLoad before, double seconds) {
		return (this.interruptTicks - before.interruptTicks) * ServerProcess.NANOS_PER_TICK / 1e9 / seconds;
	}

	/** Whether figures measured while others used {@code othersCores} can be compared with another run's. */
	static boolean comparable(double othersCores) {
		return othersCores <= MAX_OTHERS_CORES;
	}

}
