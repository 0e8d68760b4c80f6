package org.vsriov.bench;

import java.time.Duration;
import java.util.ArrayList;

import org.HdrHistogram.Histogram;

/** Scenario 2: 10,000 VFs each with a parked poll, their memory, and broadcasts to all of them. */
final class CapacityScenario {

	private final Harness harness;

	CapacityScenario(Harness harness) {
		this.harness = harness;
	}

	void run() {
		int vfs = this.harness.options.smoke() ? 500 : 10_000;
		// A poll parked on each VF: more than the default bound gives a 280 MB heap (a third of it at
		// 10 KB a poll, 9,557), so the bound is set as an operator who sized the heap would.
		try (var server = this.harness.launch("capacity", vfs, "--vsriov.poll.max-parked=" + (vfs + 1000));
				var loop = new Loop(server.port())) {
			var scenario = this.harness.report.scenario("2. capacity", String.format(
					"%d VFs each with one parked poll (timeout 5m) that re-polls after a delivery, "
							+ "vsriov.poll.max-parked=%d; memory with all parked, then POST /pf/invalidations%s", vfs, vfs + 1000,
					this.harness.options.smoke() ? "" : " three times, the third measured (the first two warm the JIT up)"));
			long idleHeap = server.heapAfterGcBytes();
			long idleRss = server.rssBytes();
			var ledger = new Ledger(vfs);
			var pollers = new VfPollers(loop, ledger, vfs, "5m");
			loop.run(pollers::start);
			this.harness.awaitParked(server, loop, pollers, vfs);
			long heap = server.heapAfterGcBytes();
			long rss = server.rssBytes();
			scenario.add("server RSS, idle", idleRss / Harness.MB, "MB");
			scenario.atMost("server RSS, all parked", rss / Harness.MB, "MB", 400);
			scenario.add("heap after GC, idle", idleHeap / Harness.MB, "MB");
			scenario.add("heap after GC, all parked", heap / Harness.MB, "MB");
			scenario.add("RSS per parked poll", (double) (rss - idleRss) / vfs, "bytes");
			scenario.add("heap per parked poll", (double) (heap - idleHeap) / vfs, "bytes");

			// A server that has run a while has compiled its delivery path: two broadcasts warm it up
			// (each poll re-parks after its delivery), the third is measured.
			int warmUps = this.harness.options.smoke() ? 0 : 2;
			for (int i = 0; i < warmUps; i++) {
				broadcast(server, loop, ledger, vfs);
				if (i == 0) {
					scenario.add("first broadcast (cold JIT), last delivery",
							loop.call(() -> ledger.latencyMicros().getMaxValue()) / 1000.0, "ms");
				}
				this.harness.awaitParked(server, loop, pollers, vfs);
			}
			long serverCpu = server.cpuNanos();
			long clientCpu = Harness.clientCpuNanos();
			long accepted = broadcast(server, loop, ledger, vfs);
			Histogram latency = loop.call(() -> ledger.latencyMicros().copy());
			double broadcastSeconds = latency.getMaxValue() / 1e6;
			serverCpu = server.cpuNanos() - serverCpu;
			clientCpu = Harness.clientCpuNanos() - clientCpu;
			scenario.add("broadcast 202", accepted / 1e6, "ms");
			scenario.add("broadcast, median delivery", latency.getValueAtPercentile(50) / 1000.0, "ms");
			scenario.atMost("broadcast, last delivery", latency.getMaxValue() / 1000.0, "ms", 2_000);
			scenario.add("server CPU, broadcast", serverCpu / 1e9 / broadcastSeconds * 100, "% core");
			scenario.add("load generator CPU, broadcast", clientCpu / 1e9 / broadcastSeconds * 100, "% core");
			scenario.add("server RSS, peak of the scenario", server.peakRssBytes() / Harness.MB, "MB");
			scenario.add("deliveries", loop.call(ledger::deliveries), "");
			scenario.add("lost", loop.call(ledger::outstanding), "");
			loop.run(pollers::stop);
			this.harness.check(ledger, loop);
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
			var connection = new HttpConnection(loop);
			connection.send(
					HttpConnection.postJson("/api/v1/pf/invalidations", "{\"blockMask\":\"0x8000000000000021\"}"),
					(response) -> {
						connection.close();
						if (response.status() != 202) {
							ledger.error("broadcast: HTTP " + response.status() + ": " + response.body());
						}
						invalidations.forEach((invalidation) -> invalidation.accepted(response.receivedNanos()));
						accepted[0] = response.receivedNanos();
					}, (why) -> ledger.error("broadcast: " + why));
			return now;
		});
		// The deliveries may well arrive before the broadcast's own 202: wait for both.
		this.harness.await(server, "the broadcast's deliveries", Duration.ofSeconds(30),
				() -> loop.call(() -> ledger.outstanding() == 0 && accepted[0] != 0));
		return loop.call(() -> accepted[0]) - sent;
	}

}
