package org.vsriov.bench;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the rest of the machine did during a measured window, and when that makes a run not comparable. */
class MachineLoadTest {

	private static final long SECOND = 1_000_000_000L;

	private static MachineLoad at(long user, long system, long softirq, double load) {
		return MachineLoad.parse("cpu  " + user + " 0 " + system + " 900000 50 0 " + softirq + " 0 0 0",
				load + " 2.01 2.35 2/89 2246\n", Map.of());
	}

	@Test
	void theCpuLineShouldGiveBusyAndInterruptTicks() {
		var load = MachineLoad.parse("cpu  1241220 1605 284395 1280049 7216 3 15882 0 0 0", "0.64 2.01 2.35 2/89 2246",
				Map.of());
		assertThat(load.busyTicks()).isEqualTo(1241220 + 1605 + 284395 + 3 + 15882);
		assertThat(load.interruptTicks()).isEqualTo(15885);
		assertThat(load.loadAverage()).isEqualTo(0.64);
	}

	@Test
	void othersShouldBeTheMachinesCpuLessTheServersAndTheGenerators() {
		// 20 s in which the machine was busy for 30 s of CPU (ticks of 10 ms), 4 s of them softirq.
		var before = at(1_000, 1_000, 100, 1.0);
		var after = at(3_100, 1_500, 500, 1.9);
		double others = after.othersCores(before, Set.of(), 12 * SECOND + 16 * SECOND, 20);
		assertThat(others).isCloseTo(0.10, within(1e-9));
		assertThat(after.interruptCores(before, 20)).isCloseTo(0.20, within(1e-9));
		// Ticks are samples: the two measured processes' exact times may come to a little more.
		assertThat(after.othersCores(before, Set.of(), 30 * SECOND + SECOND / 100, 20)).isZero();
	}

	@Test
	void othersShouldBeTheOtherProcessesOwnTimesWhenTheMachinesTicksSayLess() {
		var before = MachineLoad.parse("cpu 1000 0 0 0 0 0 0", "0.1", Map.of(1L, new MachineLoad.Usage("server", 0),
				2L, new MachineLoad.Usage("java", 0)));
		// 10 s: the machine counted 10 s busy, the server's exact time is 10 s, another JVM's 1 s.
		var after = MachineLoad.parse("cpu 2000 0 0 0 0 0 0", "0.1", Map.of(1L, new MachineLoad.Usage("server", 1_000),
				2L, new MachineLoad.Usage("java", 100)));
		assertThat(after.othersCores(before, Set.of(1L), 10 * SECOND, 10)).isCloseTo(0.10, within(1e-9));
	}

	@Test
	void theBusiestOthersShouldBeNamedLeavingOutTheMeasuredProcesses() {
		var before = MachineLoad.parse("cpu 0 0 0 0 0 0 0", "0.1", Map.of(1L, new MachineLoad.Usage("server", 0),
				2L, new MachineLoad.Usage("kdamond", 100), 3L, new MachineLoad.Usage("java", 50)));
		// Over 10 s: the server 5 s (measured), kdamond 0.1 s, the build 4.5 s, a new process 1 s, one idle.
		var after = MachineLoad.parse("cpu 0 0 0 0 0 0 0", "0.1", Map.of(1L, new MachineLoad.Usage("server", 500),
				2L, new MachineLoad.Usage("kdamond", 110), 3L, new MachineLoad.Usage("java", 500), 4L,
				new MachineLoad.Usage("sh", 100), 5L, new MachineLoad.Usage("idle", 0)));
		assertThat(after.busiestOthers(before, Set.of(1L), 10, 2)).isEqualTo("java (3) 45 % core, sh (4) 10 % core");
		assertThat(after.busiestOthers(before, Set.of(1L), 10, 5)).endsWith("kdamond (2) 1 % core");
		assertThat(after.busiestOthers(after, Set.of(), 10, 3)).isEmpty();
	}

	@Test
	void aRunShouldBeComparableUpToATenthOfACoreUsedByOthers() {
		assertThat(MachineLoad.comparable(0.02)).isTrue();
		assertThat(MachineLoad.comparable(0.10)).isTrue();
		assertThat(MachineLoad.comparable(0.11)).isFalse();
	}

}
