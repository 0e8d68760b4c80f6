package org.vsriov.bench;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the probe's requests become the attack's figures and its recovery. */
class ProbeSamplesTest {

	private static final long MS = 1_000_000L;

	private static final long STOP = 10_000 * MS;

	private final List<Probe.Sample> samples = new ArrayList<>();

	private void sample(Probe.Stream stream, long sentMillis, long tookMillis, int status) {
		this.samples.add(new Probe.Sample(stream, sentMillis * MS, (sentMillis + tookMillis) * MS, status));
	}

	/** PF and health requests every 50 ms from {@code fromMillis}, each taking {@code tookMillis}. */
	private void both(long fromMillis, int count, long tookMillis) {
		for (int i = 0; i < count; i++) {
			sample(Probe.Stream.PF_NEW_CONNECTION, fromMillis + 50 * i, tookMillis, 202);
			sample(Probe.Stream.HEALTH, fromMillis + 50 * i, tookMillis, 200);
		}
	}

	@Test
	void recoveryShouldBeTheAnswerOfTheFirstOfFiveFastRequestsInARow() {
		both(10_000, 4, 500);
		both(10_200, 5, 10);
		sample(Probe.Stream.VF_POLL, 10_000, 20, 204);
		// The first fast one was sent at 10,200 ms and answered 10 ms later.
		assertThat(ProbeSamples.of(this.samples, STOP)).hasValue(210 * MS);
	}

	@Test
	void aSlowOneShouldStartTheRunAgain() {
		both(10_000, 4, 10);
		sample(Probe.Stream.HEALTH, 10_200, 150, 200);
		both(10_300, 5, 10);
		sample(Probe.Stream.PF_NEW_CONNECTION, 10_200, 10, 202);
		sample(Probe.Stream.VF_POLL, 10_000, 20, 204);
		assertThat(ProbeSamples.fastAgain(this.samples, Probe.Stream.PF_NEW_CONNECTION, STOP)).hasValue(10 * MS);
		assertThat(ProbeSamples.fastAgain(this.samples, Probe.Stream.HEALTH, STOP)).hasValue(310 * MS);
		assertThat(ProbeSamples.of(this.samples, STOP)).hasValue(310 * MS);
	}

	@Test
	void anErrorStatusOrAnUnansweredRequestIsNoRecovery() {
		for (int i = 0; i < 5; i++) {
			sample(Probe.Stream.PF_NEW_CONNECTION, 10_000 + 50 * i, 5, 503);
			sample(Probe.Stream.HEALTH, 10_000 + 50 * i, 5, 0);
		}
		sample(Probe.Stream.VF_POLL, 10_000, 20, 204);
		assertThat(ProbeSamples.of(this.samples, STOP)).isEmpty();
	}

	@Test
	void requestsInFlightShouldBreakTheRun() {
		both(10_000, 2, 10);
		// Still in flight when read: it ends never, for now.
		this.samples.add(new Probe.Sample(Probe.Stream.HEALTH, 10_100 * MS, Long.MAX_VALUE, 0));
		both(10_150, 3, 10);
		sample(Probe.Stream.VF_POLL, 10_000, 20, 204);
		assertThat(ProbeSamples.fastAgain(this.samples, Probe.Stream.HEALTH, STOP)).isEmpty();
	}

	@Test
	void noVfPollAnsweredIsNoRecovery() {
		both(10_000, 5, 10);
		sample(Probe.Stream.VF_POLL, 10_000, 5_000, 0);
		assertThat(ProbeSamples.of(this.samples, STOP)).isEmpty();
	}

	@Test
	void requestsBeforeTheStopShouldNotCount() {
		both(9_000, 5, 10);
		sample(Probe.Stream.VF_POLL, 9_000, 20, 204);
		assertThat(ProbeSamples.of(this.samples, STOP)).isEmpty();
	}

	@Test
	void anUnansweredRequestShouldCountAsTheProbesLimitInTheWindow() {
		sample(Probe.Stream.HEALTH, 1_000, 3, 200);
		sample(Probe.Stream.HEALTH, 1_050, 5_000, 0);
		sample(Probe.Stream.HEALTH, 1_100, 2, 503);
		sample(Probe.Stream.HEALTH, 20_000, 1, 200);
		var latency = ProbeSamples.latencies(this.samples, Probe.Stream.HEALTH, 0, STOP);
		assertThat(latency.getTotalCount()).isEqualTo(3);
		assertThat(latency.getMaxValue()).isBetween(4_990_000L, 5_010_000L);
		assertThat(ProbeSamples.unanswered(this.samples, Probe.Stream.HEALTH, 0, STOP)).isEqualTo(1);
		assertThat(ProbeSamples.failed(this.samples, Probe.Stream.HEALTH, 0, STOP)).isEqualTo(1);
		assertThat(ProbeSamples.count(this.samples, Probe.Stream.HEALTH, 0, STOP)).isEqualTo(3);
	}

	@Test
	void theSlowOnesShouldBeTheAnswersOverTheLimitInTheWindow() {
		sample(Probe.Stream.PF_KEEP_ALIVE, 1_000, 100, 202);
		sample(Probe.Stream.PF_KEEP_ALIVE, 1_025, 101, 202);
		sample(Probe.Stream.PF_KEEP_ALIVE, 1_050, 5_000, 0);
		sample(Probe.Stream.PF_KEEP_ALIVE, 1_075, 150, 503);
		sample(Probe.Stream.HEALTH, 1_100, 150, 200);
		sample(Probe.Stream.PF_KEEP_ALIVE, 20_000, 150, 202);
		assertThat(ProbeSamples.slow(this.samples, Probe.Stream.PF_KEEP_ALIVE, 0, STOP, 100 * MS))
			.extracting(Probe.Sample::sentNanos)
			.containsExactly(1_025 * MS, 1_075 * MS);
	}

}
