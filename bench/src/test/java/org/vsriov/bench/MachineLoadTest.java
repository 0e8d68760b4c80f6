package org.vsriov.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the rest of the machine did during a measured window, and when that makes a run not comparable. */
class MachineLoadTest {

	private static final long SECOND = 1_000_000_000L;

	private static MachineLoad at(long user, long system, long softirq, double load) {
		return MachineLoad.parse("cpu  " + user + " 0 " + system + " 900000 50 0 " + softirq + " 0 0 0",
				load + " 2.01 2.35 2/89 2246\n");
	}

	@Test
	void theCpuLineShouldGiveBusyAndInterruptTicks() {
		var load = MachineLoad.parse("cpu  1241220 1605 284395 1280049 7216 3 15882 0 0 0", "0.64 2.01 2.35 2/89 2246");
		assertThat(load.busyTicks()).isEqualTo(1241220 + 1605 + 284395);
		assertThat(load.interruptTicks()).isEqualTo(15885);
		assertThat(load.loadAverage()).isEqualTo(0.64);
	}

	@Test
	void othersShouldBeTheMachinesCpuLessTheServersAndTheGenerators() {
		// 20 s in which the machine was busy for 30 s of CPU (ticks of 10 ms), 4 s of them softirq.
		var before = at(1_000, 1_000, 100, 1.0);
		var after = at(3_500, 1_500, 500, 1.9);
		double others = after.othersCores(before, 12 * SECOND + 16 * SECOND, 20);
		assertThat(others).isCloseTo(0.10, within(1e-9));
		assertThat(after.interruptCores(before, 20)).isCloseTo(0.20, within(1e-9));
		// Rounding to whole ticks may leave the two measured processes a little over the machine's total.
		assertThat(after.othersCores(before, 30 * SECOND + SECOND / 100, 20)).isZero();
	}

	@Test
	void aRunShouldBeComparableUpToATenthOfACoreUsedByOthers() {
		assertThat(MachineLoad.comparable(0.02)).isTrue();
		assertThat(MachineLoad.comparable(0.10)).isTrue();
		assertThat(MachineLoad.comparable(0.11)).isFalse();
	}

}
