package org.vsriov.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting for a window's edge: never before it, whatever wakes the thread. */
class HarnessTest {

	private static final long MS = 1_000_000L;

	@Test
	void aDeadlineThatHasPassedShouldNotBeWaitedFor() {
		long start = System.nanoTime();
		Harness.parkUntil(start - 1_000 * MS);
		assertThat(System.nanoTime() - start).isLessThan(500 * MS);
	}

	@Test
	void anInterruptedThreadShouldStillWaitForTheDeadlineWithoutSpinning() {
		// An interrupt makes every park return at once: a single park would end the wait early, and a
		// loop of parks that left the flag set would spin for the whole wait.
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Thread.currentThread().interrupt();
		try {
			long cpuBefore = threads.getCurrentThreadCpuTime();
			long deadline = System.nanoTime() + 200 * MS;
			Harness.parkUntil(deadline);
			assertThat(System.nanoTime() - deadline).isGreaterThanOrEqualTo(0);
			assertThat(threads.getCurrentThreadCpuTime() - cpuBefore).isLessThan(100 * MS);
			assertThat(Thread.currentThread().isInterrupted()).as("the interrupt kept for the caller").isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

}
