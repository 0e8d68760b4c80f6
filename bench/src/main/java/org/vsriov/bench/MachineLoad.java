package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the whole machine did while a server was measured, from /proc: the CPU every process used
 * ({@code /proc/stat}), less the server's and the load generator's, is what something else took
 * from the run, and the processes that took most of it; and {@code /proc/loadavg}. The peer scenario
 * compares two servers measured one after the other, so a run in which something else was busy is
 * not comparable.
 *
 * @param busyTicks the time every CPU was not idle (user, nice, system, irq, softirq), in ticks
 * @param interruptTicks irq and softirq time, in ticks: mostly loopback networking of the load itself
 * @param loadAverage the one-minute load average
 * @param processes every process's name and CPU time in ticks, by pid
 */
record MachineLoad(long busyTicks, long interruptTicks, double loadAverage, Map<Long, Usage> processes) {

	/**
	 * Others may use at most a tenth of a core. On a quiet machine they took 0 to 4 % of a core in the
	 * peer scenario's windows (the machine's own daemons); beside another developer's build or test run,
	 * 40 to 96 %.
	 * The load generator and vsriov together need about the two cores there are (issue 13), so a tenth
	 * of a core taken shows in the latencies.
	 */
	static final double MAX_OTHERS_CORES = 0.10;

	/** Now. */
	static MachineLoad now() {
		var processes = new HashMap<Long, Usage>();
		try (var entries = Files.list(Path.of("/proc"))) {
			for (Path entry : entries.filter((path) -> path.getFileName().toString().matches("\\d+")).toList()) {
				try {
					String stat = Files.readString(entry.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					processes.put(Long.parseLong(entry.getFileName().toString()),
							new Usage(name, ServerProcess.cpuTicks(stat)));
				}
				catch (IOException ended) {
					// gone between the listing and the read
				}
			}
			return parse(Files.readAllLines(Path.of("/proc/stat")).get(0), Files.readString(Path.of("/proc/loadavg")),
					processes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * From the {@code cpu} line of /proc/stat, the content of /proc/loadavg and the processes' usage.
	 */
	static MachineLoad parse(String cpuLine, String loadavg, Map<Long, Usage> processes) {
		String[] fields = cpuLine.trim().split("\\s+");
		if (!fields[0].equals("cpu")) {
			throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
		}
		// cpu user nice system idle iowait irq softirq ...; guest time is already in user. Interrupt time
		// counts as busy: without CONFIG_IRQ_TIME_ACCOUNTING (Debian's kernels) a process is also charged
		// the interrupts that came while it ran.
		long interrupts = Long.parseLong(fields[6]) + Long.parseLong(fields[7]);
		long busy = Long.parseLong(fields[1]) + Long.parseLong(fields[2]) + Long.parseLong(fields[3]) + interrupts;
		return new MachineLoad(busy, interrupts, Double.parseDouble(loadavg.trim().split("\\s+")[0]), Map.copyOf(processes));
	}

	/**
	 * The cores that processes other than the measured ones used on average since {@code before}: the
	 * larger of two counts. The machine's busy time less the measured processes' misses less of what
	 * ended in between, but is sampled a tick at a time, which a load of short bursts sways by a few
	 * percent of a core; the other processes' own times are exact, but only of those still running.
	 * @param measured the server's processes and the load generator's
	 * @param measuredNanos their CPU time over the same interval
	 */
	double othersCores(MachineLoad before, Set<Long> measured, long measuredNanos, double seconds) {
		long machineNanos = (this.busyTicks - before.busyTicks) * ServerProcess.NANOS_PER_TICK - measuredNanos;
		long processNanos = othersTicks(before, measured).values().stream().mapToLong(Long::longValue).sum()
				* ServerProcess.NANOS_PER_TICK;
		return Math.max(0, Math.max(machineNanos, processNanos)) / 1e9 / seconds;
	}

	// The CPU time each process other than the measured ones used since before, in ticks, by name and pid.
	private Map<String, Long> othersTicks(MachineLoad before, Set<Long> measured) {
		var others = new HashMap<String, Long>();
		this.processes.forEach((pid, usage) -> {
			var earlier = before.processes.get(pid);
			long ticks = usage.ticks() - (earlier == null ? 0 : earlier.ticks());
			if (!measured.contains(pid) && ticks > 0) {
				others.put(usage.name() + " (" + pid + ")", ticks);
			}
		});
		return others;
	}

	/** The cores interrupt handling used on average since {@code before}. */
	double interruptCores(MachineLoad before, double seconds) {
		return (this.interruptTicks - before.interruptTicks) * ServerProcess.NANOS_PER_TICK / 1e9 / seconds;
	}

	/**
	 * The processes other than {@code measured} that used the most CPU since {@code before}, as
	 * {@code name (pid) N % core}, the busiest first; those that started since count from nothing.
	 */
	String busiestOthers(MachineLoad before, Set<Long> measured, double seconds, int most) {
		return othersTicks(before, measured).entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(most)
			.map((process) -> String.format("%s %.0f %% core", process.getKey(),
					process.getValue() * ServerProcess.NANOS_PER_TICK / 1e9 / seconds * 100))
			.collect(Collectors.joining(", "));
	}

	/** Whether figures measured while others used {@code othersCores} can be compared with another run's. */
	static boolean comparable(double othersCores) {
		return othersCores <= MAX_OTHERS_CORES;
	}

	/**
	 * A process's CPU time so far.
	 *
	 * @param name its command, as /proc/PID/stat gives it
	 * @param ticks its user plus system time, in ticks
	 */
	record Usage(String name, long ticks) {

	}

}
