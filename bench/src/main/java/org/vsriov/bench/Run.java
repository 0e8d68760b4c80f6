package org.vsriov.bench;

import org.HdrHistogram.Histogram;

/** What one measured run of PF load saw. */
final class Run {

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
