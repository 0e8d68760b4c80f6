package org.vsriov.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.HdrHistogram.Histogram;

/**
 * The four scenarios of issue 4, each against a server of its own launched for it; every figure is
 * taken while the ledger checks that nothing is lost.
 */
final class Scenarios {

	private static final double MB = 1024 * 1024;

	private static final Duration DRAIN_WITHIN = Duration.ofSeconds(15);

	private static final Duration JIT_WARM_UP = Duration.ofSeconds(20);

	private final Options options;

	private final Report report;

	private final List<ServerProcess> launches = new ArrayList<>();

	Scenarios(Options options, Report report) {
		this.options = options;
		this.report = report;
	}

	/** Scenarios 1 and 3 share a server with 1,000 VFs, each with a poll that re-polls. */
	void latencyAndThroughput() {
		int vfs = this.options.smoke() ? 50 : 1_000;
		// Twice as many VFs allocated: the second half has no poller, for the PF-side ceiling.
		try (var server = launch("latency", 2 * vfs); var loop = new Loop(server.port())) {
			var ledger = new Ledger(vfs);
			var pollers = new VfPollers(loop, ledger, vfs, "30s");
			loop.call(() -> {
				pollers.start();
				return null;
			});
			awaitParked(server, loop, pollers, vfs);
			var pf = new PfLoad(loop, ledger, vfs, 16);
			if (!this.options.smoke()) {
				// The JIT takes some 20 s of this load to settle (C2 still compiles at 15 s): the first
				// measured run would pay for it.
				loop.call(() -> {
					pf.startAtRate(3_000);
					return null;
				});
				pause(JIT_WARM_UP);
				loop.call(() -> {
					pf.stop();
					return null;
				});
				await(server, "the warm-up's deliveries", DRAIN_WITHIN,
						() -> loop.call(() -> pf.idle() && ledger.outstanding() == 0));
			}
			if (this.options.runs("latency")) {
				for (int rate : this.options.smoke() ? new int[] { 200 } : new int[] { 1_000, 5_000 }) {
					var scenario = this.report.scenario("1. latency at " + rate + "/s",
							String.format("%d VFs each with a parked poll that re-polls with its cursor; random VF and "
									+ "mask at %d invalidations/s on schedule over 16 keep-alive connections, %s", vfs, rate,
									length()));
					var run = measure(server, loop, ledger, pf, () -> pf.startAtRate(rate));
					run.latency(scenario, rate == 1_000);
					scenario.add("invalidations sent", run.invalidations, "");
					scenario.add("deliveries/s", run.deliveries / run.seconds, "/s");
					scenario.add("coalescing (invalidations/delivery)", run.coalescing(), "");
					scenario.add("server CPU", run.serverCores() * 100, "% core");
					scenario.add("load generator CPU", run.clientCores() * 100, "% core");
					scenario.add("lost", run.lost, "");
				}
			}
			if (this.options.runs("throughput")) {
				var throughputPf = new PfLoad(loop, ledger, vfs, 16);
				var scenario = this.report.scenario("3. throughput",
						String.format("%d VFs each with a parked poll that re-polls; invalidations of random VFs as fast "
								+ "as 16 keep-alive connections are answered, %s; then the same against %d VFs that "
								+ "no poll follows, with the %d polls still parked", vfs, length(), vfs, vfs));
				var run = measure(server, loop, ledger, throughputPf, throughputPf::startClosedLoop);
				scenario.add("invalidations accepted/s, every one delivered", run.accepted / run.seconds, "/s");
				scenario.add("deliveries/s", run.deliveries / run.seconds, "/s");
				scenario.add("coalescing (invalidations/delivery)", run.coalescing(), "");
				scenario.add("delivery p99", run.latency.getValueAtPercentile(99) / 1000.0, "ms");
				scenario.add("server CPU", run.serverCores() * 100, "% core");
				scenario.add("load generator CPU", run.clientCores() * 100, "% core");
				scenario.add("lost", run.lost, "");
				var unfollowed = new PfLoad(loop, ledger, vfs, vfs, 16, false);
				var pfOnly = measure(server, loop, ledger, unfollowed, unfollowed::startClosedLoop);
				scenario.atLeast("invalidations accepted/s, VFs without a poller", pfOnly.accepted / pfOnly.seconds,
						"/s", 10_000);
				scenario.add("server CPU, VFs without a poller", pfOnly.serverCores() * 100, "% core");
				loop.call(() -> {
					throughputPf.close();
					unfollowed.close();
					return null;
				});
			}
			loop.call(() -> {
				pollers.stop();
				pf.close();
				return pf.reconnects() + pollers.reconnects();
			});
		}
	}

	/** Scenario 2: 10,000 VFs, each with a parked poll, and one broadcast. */
	void capacity() {
		int vfs = this.options.smoke() ? 500 : 10_000;
		try (var server = launch("capacity", vfs); var loop = new Loop(server.port())) {
			var scenario = this.report.scenario("2. capacity", String.format(
					"%d VFs each with one parked poll (timeout 5m) that re-polls after a delivery; memory with all "
							+ "parked, then POST /pf/invalidations%s", vfs,
					this.options.smoke() ? "" : " three times, the third measured (the first two warm the JIT up)"));
			long idleHeap = server.heapAfterGcBytes();
			long idleRss = server.rssBytes();
			var ledger = new Ledger(vfs);
			var pollers = new VfPollers(loop, ledger, vfs, "5m");
			loop.call(() -> {
				pollers.start();
				return null;
			});
			awaitParked(server, loop, pollers, vfs);
			long heap = server.heapAfterGcBytes();
			long rss = server.rssBytes();
			scenario.add("server RSS, idle", idleRss / MB, "MB");
			scenario.atMost("server RSS, all parked", rss / MB, "MB", 400);
			scenario.add("heap after GC, idle", idleHeap / MB, "MB");
			scenario.add("heap after GC, all parked", heap / MB, "MB");
			scenario.add("RSS per parked poll", (double) (rss - idleRss) / vfs, "bytes");
			scenario.add("heap per parked poll", (double) (heap - idleHeap) / vfs, "bytes");

			// A server that has run a while has compiled its delivery path: two broadcasts warm it up
			// (each poll re-parks after its delivery), the third is measured.
			int warmUps = this.options.smoke() ? 0 : 2;
			for (int i = 0; i < warmUps; i++) {
				broadcast(server, loop, ledger, vfs);
				awaitParked(server, loop, pollers, vfs);
			}
			long serverCpu = server.cpuNanos();
			long clientCpu = clientCpuNanos();
			long accepted = broadcast(server, loop, ledger, vfs);
			Histogram latency = loop.call(ledger::latencyMicros).copy();
			double broadcastSeconds = latency.getMaxValue() / 1e6;
			serverCpu = server.cpuNanos() - serverCpu;
			clientCpu = clientCpuNanos() - clientCpu;
			scenario.add("broadcast 202", accepted / 1e6, "ms");
			scenario.add("broadcast, median delivery", latency.getValueAtPercentile(50) / 1000.0, "ms");
			scenario.atMost("broadcast, last delivery", latency.getMaxValue() / 1000.0, "ms", 2_000);
			scenario.add("server CPU, broadcast", serverCpu / 1e9 / broadcastSeconds * 100, "% core");
			scenario.add("load generator CPU, broadcast", clientCpu / 1e9 / broadcastSeconds * 100, "% core");
			scenario.add("server RSS, peak of the scenario", server.peakRssBytes() / MB, "MB");
			scenario.add("deliveries", loop.call(ledger::deliveries), "");
			scenario.add("lost", loop.call(ledger::outstanding), "");
			loop.call(() -> {
				pollers.stop();
				return null;
			});
			check(ledger, loop);
		}
	}

	/**
	 * One {@code POST /pf/invalidations} of every VF, waited for until every poll has its delivery.
	 * @return nanoseconds from the send to the broadcast's own 202
	 */
	private long broadcast(ServerProcess server, Loop loop, Ledger ledger, int vfs) {
		var accepted = new long[1];
		long sent = loop.call(() -> {
			long now = System.nanoTime();
			ledger.measureFrom(now);
			var invalidations = new ArrayList<Ledger.Pending>(vfs);
			for (int vf = 0; vf < vfs; vf++) {
				invalidations.add(ledger.invalidated(vf, 0x8000_0000_0000_0021L, now));
			}
			new HttpConnection(loop).send(
					HttpConnection.postJson("/api/v1/pf/invalidations", "{\"blockMask\":\"0x8000000000000021\"}"),
					(response) -> {
						if (response.status() != 202) {
							ledger.error("broadcast: HTTP " + response.status() + ": " + response.body());
						}
						invalidations.forEach((invalidation) -> invalidation.accepted(response.receivedNanos()));
						accepted[0] = response.receivedNanos();
					}, (why) -> ledger.error("broadcast: " + why));
			return now;
		});
		// The deliveries may well arrive before the broadcast's own 202: wait for both.
		await(server, "the broadcast's deliveries", Duration.ofSeconds(30),
				() -> loop.call(() -> ledger.outstanding() == 0 && accepted[0] != 0));
		return loop.call(() -> accepted[0]) - sent;
	}

	/** Scenario 4: launch to ready, over every launch of this run plus a few of its own. */
	void start() {
		int extra = this.options.smoke() ? 0 : 3;
		for (int i = 0; i < extra || this.launches.isEmpty(); i++) {
			try (var server = launch("start-" + (i + 1), 64)) {
				// launched and measured: nothing more to do
			}
		}
		var ready = this.launches.stream().mapToLong(ServerProcess::readyMillis).sorted().toArray();
		var rss = this.launches.stream().mapToLong(ServerProcess::idleRssBytes).sorted().toArray();
		var scenario = this.report.scenario("4. start", String.format(
				"launch to /actuator/health/readiness UP, %d launches (those of the other scenarios included)%s",
				ready.length, this.options.cdsArchive() != null ? "; the jar extracted, with its CDS archive" : ""));
		scenario.atMost("ready, median", ready[ready.length / 2] / 1000.0, "s", 3);
		scenario.add("ready, slowest", ready[ready.length - 1] / 1000.0, "s");
		scenario.add("RSS when ready, median", rss[rss.length / 2] / MB, "MB");
		if (this.options.cdsArchive() != null && this.options.fatJar() != null && !this.options.smoke()) {
			var plain = new long[2];
			for (int i = 0; i < plain.length; i++) {
				try (var server = ServerProcess.start(this.options.asBuilt(), "start-plain-" + (i + 1), 64)) {
					plain[i] = server.readyMillis();
				}
			}
			scenario.add("ready, java -jar as built (no CDS), best of 2", Math.min(plain[0], plain[1]) / 1000.0, "s");
		}
	}

	private String length() {
		return String.format("%.1f s after %.1f s of warm-up", this.options.measure().toMillis() / 1000.0,
				this.options.warmUp().toMillis() / 1000.0);
	}

	private ServerProcess launch(String name, int vfs) {
		var server = ServerProcess.start(this.options, name, vfs);
		this.launches.add(server);
		return server;
	}

	private void awaitParked(ServerProcess server, Loop loop, VfPollers pollers, int vfs) {
		await(server, vfs + " parked polls", Duration.ofSeconds(120), () -> {
			try {
				return loop.call(pollers::following) == vfs && server.metric("vsriov_polls_parked") == vfs;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	private Run measure(ServerProcess server, Loop loop, Ledger ledger, PfLoad pf, Runnable start) {
		loop.call(() -> {
			start.run();
			return null;
		});
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
		await(server, "the last invalidations' deliveries", DRAIN_WITHIN,
				() -> loop.call(() -> pf.idle() && ledger.outstanding() == 0));
		loop.call(() -> {
			run.accepted = pf.accepted() - acceptedBefore;
			run.latency = ledger.latencyMicros().copy();
			run.invalidations = ledger.invalidations();
			run.delivered = ledger.delivered();
			run.deliveries = ledger.deliveries();
			run.lost = ledger.outstanding();
			return null;
		});
		check(ledger, loop);
		return run;
	}

	/** Copies the ledger's errors (and any loss) into the report. */
	private void check(Ledger ledger, Loop loop) {
		loop.call(() -> {
			ledger.errors().forEach(this.report::error);
			if (ledger.errorCount() > ledger.errors().size()) {
				this.report.error("... " + (ledger.errorCount() - ledger.errors().size()) + " more errors");
			}
			ledger.describeOutstanding(10).forEach((loss) -> this.report.error("LOST: " + loss));
			return null;
		});
	}

	/** Waits for a condition, failing the run (with loss reported) if it takes longer than allowed. */
	private void await(ServerProcess server, String what, Duration within, BooleanSupplier condition) {
		long deadline = System.nanoTime() + within.toNanos();
		while (!condition.getAsBoolean()) {
			if (!server.alive()) {
				throw new IllegalStateException("the server died while waiting for " + what + "; see " + server.log());
			}
			if (System.nanoTime() > deadline) {
				this.report.error("gave up waiting for " + what + " after " + within.toSeconds() + " s");
				return;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	/** Lets a measured run go on for its length; the measuring happens on the event loop meanwhile. */
	private static void pause(Duration length) {
		LockSupport.parkNanos(length.toNanos());
	}

	private static long clientCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	/** What one measured run saw. */
	private static final class Run {

		double seconds;

		long serverCpuNanos;

		long clientCpuNanos;

		long accepted;

		Histogram latency;

		long invalidations;

		long delivered;

		long deliveries;

		long lost;

		double serverCores() {
			return this.serverCpuNanos / 1e9 / this.seconds;
		}

		double clientCores() {
			return this.clientCpuNanos / 1e9 / this.seconds;
		}

		double coalescing() {
			return this.deliveries == 0 ? 0 : (double) this.delivered / this.deliveries;
		}

		void latency(Report.Scenario scenario, boolean withTargets) {
			double p99 = this.latency.getValueAtPercentile(99) / 1000.0;
			double p999 = this.latency.getValueAtPercentile(99.9) / 1000.0;
			scenario.add("p50", this.latency.getValueAtPercentile(50) / 1000.0, "ms");
			scenario.add("p90", this.latency.getValueAtPercentile(90) / 1000.0, "ms");
			if (withTargets) {
				scenario.atMost("p99", p99, "ms", 10);
				scenario.atMost("p99.9", p999, "ms", 50);
			}
			else {
				scenario.add("p99", p99, "ms");
				scenario.add("p99.9", p999, "ms");
			}
			scenario.add("max", this.latency.getMaxValue() / 1000.0, "ms");
		}

	}

}
