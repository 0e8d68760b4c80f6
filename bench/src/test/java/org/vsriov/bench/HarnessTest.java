package org.vsriov.bench;

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
	void anInterruptedThreadShouldStillWaitForTheDeadline() {
		// An interrupt makes every park return at once: a single park would end the wait early.
		Thread.currentThread().interrupt();
		try {
			long deadline = System.nanoTime() + 50 * MS;
			Harness.parkUntil(deadline);
			assertThat(System.nanoTime() - deadline).isGreaterThanOrEqualTo(0);
		}
		finally {
			Thread.interrupted();
		}
	}

}
