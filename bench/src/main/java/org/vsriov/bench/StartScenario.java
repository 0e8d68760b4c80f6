package org.vsriov.bench;

/** Scenario 4: launch to readiness, over every launch of the run plus a few of its own. */
final class StartScenario {

	private final Harness harness;

	StartScenario(Harness harness) {
		this.harness = harness;
	}

	void run() {
		int extra = this.harness.options.smoke() ? 0 : 3;
		for (int i = 0; i < extra || this.harness.launches().isEmpty(); i++) {
			try (var server = this.harness.launch("start-" + (i + 1), 64)) {
				// launched and measured: nothing more to do
			}
		}
		var ready = this.harness.launches().stream().mapToLong(ServerProcess::readyMillis).sorted().toArray();
		var rss = this.harness.launches().stream().mapToLong(ServerProcess::idleRssBytes).sorted().toArray();
		var scenario = this.harness.report.scenario("4. start", String.format(
				"launch to /actuator/health/readiness UP, %d launches (those of the other scenarios included)%s",
				ready.length, this.harness.options.cdsArchive() != null ? "; the jar extracted, with its CDS archive" : ""));
		scenario.atMost("ready, median", ready[ready.length / 2] / 1000.0, "s", 3);
		scenario.add("ready, slowest", ready[ready.length - 1] / 1000.0, "s");
		scenario.add("RSS when ready, median", rss[rss.length / 2] / Harness.MB, "MB");
		if (this.harness.options.cdsArchive() != null && this.harness.options.fatJar() != null && !this.harness.options.smoke()) {
			var plain = new long[2];
			for (int i = 0; i < plain.length; i++) {
				try (var server = ServerProcess.start(this.harness.options.asBuilt(), "start-plain-" + (i + 1), 64)) {
					plain[i] = server.readyMillis();
				}
			}
			scenario.add("ready, java -jar as built (no CDS), best of 2", Math.min(plain[0], plain[1]) / 1000.0, "s");
		}
	}

}
