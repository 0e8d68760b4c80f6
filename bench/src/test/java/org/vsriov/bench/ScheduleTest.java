package org.vsriov.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The publish schedule: a message goes out at the tick on its due time, not one tick later. */
class ScheduleTest {

	private static final long MS = 1_000_000L;

	private final Schedule schedule = new Schedule(1_000 * MS, 1_000);

	@Test
	void nothingShouldBeDueBeforeTheStart() {
		assertThat(this.schedule.dueBy(1_000 * MS - 1)).isZero();
	}

	@Test
	void theMessageDueAtATickShouldBeDueAtThatTick() {
		assertThat(this.schedule.dueBy(1_000 * MS)).isEqualTo(1);
		assertThat(this.schedule.dueBy(1_001 * MS)).isEqualTo(2);
		assertThat(this.schedule.dueAt(1)).isEqualTo(1_001 * MS);
	}

	@Test
	void aLateTickShouldSendWhatFellDueSince() {
		assertThat(this.schedule.dueBy(1_003 * MS + MS / 2)).isEqualTo(4);
	}

	@Test
	void severalMessagesAMillisecondShouldFallDueInBetweenTicks() {
		var fast = new Schedule(0, 5_000);
		assertThat(fast.dueBy(0)).isEqualTo(1);
		assertThat(fast.dueBy(MS - 1)).isEqualTo(5);
		assertThat(fast.dueBy(MS)).isEqualTo(6);
		assertThat(fast.dueAt(5)).isEqualTo(MS);
	}

	@Test
	void aRateOfNoWholeNanosecondsShouldCountEachMessageFromItsDueTime() {
		var odd = new Schedule(0, 3_000);
		for (long i = 0; i < 3_000; i++) {
			assertThat(odd.dueBy(odd.dueAt(i))).isEqualTo(i + 1);
			assertThat(odd.dueBy(odd.dueAt(i) - 1)).isEqualTo(i);
		}
	}

	@Test
	void aScheduleStartingSoonShouldStartTenMillisecondsOn() {
		long before = System.nanoTime();
		var soon = Schedule.startingSoon(1_000);
		long after = System.nanoTime();
		assertThat(soon.start()).isBetween(before + 10 * MS, after + 10 * MS);
		assertThat(soon.initialDelayNanos()).isLessThanOrEqualTo(10 * MS);
		assertThat(soon.dueBy(soon.start() - 1)).isZero();
	}

}
