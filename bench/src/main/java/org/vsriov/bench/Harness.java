package org.vsriov.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.sun.management.OperatingSystemMXBean;

/**
 * What the scenarios share: launching servers (every launch is also a start-up measurement),
 * measured runs of PF load, waiting with a deadline, and handing the ledger's findings to the report.
 */
final class Harness {

	static final double MB = 1024 * 1024;

	static final Duration DRAIN_WITHIN = Duration.ofSeconds(15);

	final Options options;

	final Report report;

	private final List<ServerProcess> launches = new ArrayList<>();

	Harness(Options options, Report report) {
		this.options = options;
		this.report = report;
	}

	/** Every server launched so far. */
	List<ServerProcess> launches() {
		return List.copyOf(this.launches);
	}

	/** The measured length and its warm-up, for a scenario's conditions. */
	String length() {
		return String.format("%.1f s after %.1f s of warm-up", this.options.measure().toMillis() / 1000.0,
				this.options.warmUp().toMillis() / 1000.0);
	}

	/**
	 * Launches a server with VFs 0..vfs-1 allocated; its start counts in scenario 4.
	 * @param settings more of the server's settings, as {@code --name=value} arguments
	 */
	ServerProcess launch(String name, int vfs, String... settings) {
		var server = ServerProcess.start(this.options, name, vfs, false, false, List.of(settings));
		this.launches.add(server);
		return server;
	}

	/** Waits until every agent polls with its cursor and the server counts as many parked polls. */
	void awaitParked(ServerProcess server, Loop loop, VfPollers pollers, int vfs) {
		await(server, vfs + " parked polls", Duration.ofSeconds(120), () -> {
			try {
				return loop.call(pollers::following) == vfs && server.metric("vsriov_polls_parked") == vfs;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	/**
	 * One measured run: the load starts, warms up, is measured, stops, and is drained; what the
	 * ledger found goes to the report.
	 */
	Run measure(ServerProcess server, Loop loop, Ledger ledger, PfLoad pf, Runnable start) {
		loop.run(start);
		pause(this.options.warmUp());
		long cpu = server.cpuNanos();
		long clientCpu = clientCpuNanos();
		long from = loop.call(() -> {
			long now = System.nanoTime();
			ledger.measureFrom(now);
			return now;
		});
		long acceptedBefore = loop.call(pf::accepted);
		pause(this.options.measure());
		long to = loop.call(() -> {
			pf.stop();
			return System.nanoTime();
		});
		var run = new Run();
		run.seconds = (to - from) / 1e9;
		run.serverCpuNanos = server.cpuNanos() - cpu;
		run.clientCpuNanos = clientCpuNanos() - clientCpu;
		drain(server, loop, ledger, pf, "the last invalidations' deliveries");
		loop.run(() -> {
			run.accepted = pf.accepted() - acceptedBefore;
			run.latency = ledger.latencyMicros().copy();
			run.invalidations = ledger.invalidations();
			run.delivered = ledger.delivered();
			run.deliveries = ledger.deliveries();
			run.lost = ledger.outstanding();
		});
		check(ledger, loop);
		return run;
	}

	/** Copies the ledger's errors (and any loss) into the report. */
	void check(Ledger ledger, Loop loop) {
		loop.run(() -> {
			ledger.takeErrors().forEach(this.report::error);
			loop.takeFailures().forEach(this.report::error);
		});
	}

	/** Waits until the PF has no request in flight and every invalidation sent is delivered. */
	void drain(ServerProcess server, Loop loop, Ledger ledger, PfLoad pf, String what) {
		await(server, what, DRAIN_WITHIN, () -> loop.call(() -> pf.idle() && ledger.outstanding() == 0));
	}

	/** Waits for a condition, failing the run if it takes longer than allowed or the server dies. */
	void await(ServerProcess server, String what, Duration within, BooleanSupplier condition) {
		await(what, within, () -> {
			if (condition.getAsBoolean()) {
				return true;
			}
			if (!server.alive()) {
				throw new IllegalStateException("the server died while waiting for " + what + "; see " + server.log());
			}
			return false;
		});
	}

	/** Waits for a condition, failing the run if it takes longer than allowed. */
	void await(String what, Duration within, BooleanSupplier condition) {
		long deadline = System.nanoTime() + within.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				this.report.error("gave up waiting for " + what + " after " + within.toSeconds() + " s");
				return;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	/** Lets a measured run go on for its length; the measuring happens on the event loop meanwhile. */
	static void pause(Duration length) {
		parkUntil(System.nanoTime() + length.toNanos());
	}

	/**
	 * Waits until a time on the {@link System#nanoTime} clock (at once if it has passed): a park can
	 * return early, spuriously or on an interrupt, and a window's edges must not move with it. An
	 * interrupt is kept for the caller, not acted on: with the flag set every park would return at
	 * once, and the wait would spin on a core the servers measured need.
	 */
	static void parkUntil(long deadline) {
		boolean interrupted = Thread.interrupted();
		for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
			interrupted |= Thread.interrupted();
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	static long clientCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

}
