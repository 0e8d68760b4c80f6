package org.vsriov.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

	@Test
	void aRunThatFailedBeforeMeasuringShouldSayNoTargetWasMeasured() {
		var report = new Report(Map.of(), true);
		report.scenario("6.1 peer: vsriov", "conditions");
		report.error("the benchmark failed: the server exited with 1");

		assertThat(report.table()).contains("correctness: FAILED").contains("targets: none measured")
			.doesNotContain("all met");
	}

	@Test
	void targetsShouldBeAllMetOnlyWhenEveryOneIs() {
		var met = new Report(Map.of(), true);
		met.scenario("1. latency", "conditions").atMost("p99", 4, "ms", 10);
		var missed = new Report(Map.of(), true);
		Report.Scenario scenario = missed.scenario("1. latency", "conditions");
		scenario.atMost("p99", 4, "ms", 10);
		scenario.atLeast("deliveries/s", 900, "/s", 1_000);

		assertThat(met.table()).contains("targets: all met");
		assertThat(missed.table()).contains("targets: some MISSED");
	}

	@Test
	void aSmokeRunShouldPrintNoTargets() {
		var report = new Report(Map.of(), false);
		report.scenario("1. latency", "conditions").atMost("p99", 400, "ms", 10);

		assertThat(report.table()).doesNotContain("targets:").doesNotContain("MISSED");
	}

}
