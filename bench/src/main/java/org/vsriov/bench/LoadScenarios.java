package org.vsriov.bench;

import java.time.Duration;

/**
 * Scenarios 1 (latency under load) and 3 (throughput), on one server: 1,000 VFs each with a poll
 * that re-polls with its cursor, and 1,000 more VFs that no poll follows.
 */
final class LoadScenarios {

	// The JIT takes some 20 s of this load to settle (C2 still compiles at 15 s).
	private static final Duration JIT_WARM_UP = Duration.ofSeconds(20);

	private static final int PF_CONNECTIONS = 16;

	private final Harness harness;

	LoadScenarios(Harness harness) {
		this.harness = harness;
	}

	void run() {
		int vfs = this.harness.options.smoke() ? 50 : 1_000;
		// Twice as many VFs allocated: the second half has no poller, for the PF-side ceiling.
		try (var server = this.harness.launch("latency", 2 * vfs); var loop = new Loop(server.port())) {
			var ledger = new Ledger(vfs);
			var pollers = new VfPollers(loop, ledger, vfs, "30s");
			loop.run(pollers::start);
			this.harness.awaitParked(server, loop, pollers, vfs);
			var pf = new PfLoad(loop, ledger, vfs, PF_CONNECTIONS);
			if (!this.harness.options.smoke()) {
				// Else the first measured run would pay for the JIT's work.
				loop.run(() -> pf.startAtRate(3_000));
				Harness.pause(JIT_WARM_UP);
				loop.run(pf::stop);
				this.harness.drain(server, loop, ledger, pf, "the warm-up's deliveries");
			}
			if (this.harness.options.runs("latency")) {
				for (int rate : this.harness.options.smoke() ? new int[] { 200 } : new int[] { 1_000, 5_000 }) {
					var scenario = this.harness.report.scenario("1. latency at " + rate + "/s",
							String.format("%d VFs each with a parked poll that re-polls with its cursor; random VF and "
									+ "mask at %d invalidations/s on schedule over %d keep-alive connections, %s; the "
									+ "server also has %d VFs that no poll follows%s", vfs, rate, PF_CONNECTIONS,
									this.harness.length(), vfs, this.harness.options.smoke() ? ""
											: ", and had " + JIT_WARM_UP.toSeconds() + " s at 3000/s first"));
					var run = this.harness.measure(server, loop, ledger, pf, () -> pf.startAtRate(rate));
					run.latency(scenario, rate == 1_000);
					scenario.add("invalidations sent", run.invalidations, "");
					scenario.add("deliveries/s", run.deliveries / run.seconds, "/s");
					scenario.add("coalescing (invalidations/delivery)", run.coalescing(), "");
					scenario.add("server CPU", run.serverCores() * 100, "% core");
					scenario.add("load generator CPU", run.clientCores() * 100, "% core");
					scenario.add("lost", run.lost, "");
				}
			}
			if (this.harness.options.runs("throughput")) {
				var throughputPf = new PfLoad(loop, ledger, vfs, PF_CONNECTIONS);
				var scenario = this.harness.report.scenario("3. throughput",
						String.format("%d VFs each with a parked poll that re-polls; invalidations of random VFs as fast "
								+ "as %d keep-alive connections are answered, %s; then the same against %d VFs that "
								+ "no poll follows, with the %d polls still parked", vfs, PF_CONNECTIONS,
								this.harness.length(), vfs, vfs));
				var run = this.harness.measure(server, loop, ledger, throughputPf, throughputPf::startClosedLoop);
				scenario.add("invalidations accepted/s, every one delivered", run.accepted / run.seconds, "/s");
				scenario.add("deliveries/s", run.deliveries / run.seconds, "/s");
				scenario.add("coalescing (invalidations/delivery)", run.coalescing(), "");
				scenario.add("delivery p99", run.latency.getValueAtPercentile(99) / 1000.0, "ms");
				scenario.add("server CPU", run.serverCores() * 100, "% core");
				scenario.add("load generator CPU", run.clientCores() * 100, "% core");
				scenario.add("lost", run.lost, "");
				var unfollowed = new PfLoad(loop, ledger, vfs, vfs, PF_CONNECTIONS, false);
				var pfOnly = this.harness.measure(server, loop, ledger, unfollowed, unfollowed::startClosedLoop);
				scenario.atLeast("invalidations accepted/s, VFs without a poller", pfOnly.accepted / pfOnly.seconds,
						"/s", 10_000);
				scenario.add("server CPU, VFs without a poller", pfOnly.serverCores() * 100, "% core");
				loop.run(() -> {
					throughputPf.close();
					unfollowed.close();
				});
			}
			loop.run(() -> {
				pollers.stop();
				pf.close();
			});
		}
	}

}
