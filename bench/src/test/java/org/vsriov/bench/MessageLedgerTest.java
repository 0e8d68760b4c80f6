package org.vsriov.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The peer scenario's check: every message reaches its VF exactly once and in order, whichever server carries it. */
class MessageLedgerTest {

	private static final long MS = 1_000_000L;

	private final MessageLedger ledger = new MessageLedger(2);

	@Test
	void messagesOneAnswerEachInOrderShouldPass() {
		var first = this.ledger.publish(0, 0);
		var second = this.ledger.publish(0, MS);
		assertThat(first.mask).isEqualTo(0x1);
		assertThat(second.mask).isEqualTo(0x2);
		this.ledger.delivered(0, first.mask, 2 * MS);
		this.ledger.delivered(0, second.mask, 3 * MS);
		assertThat(this.ledger.takeErrors()).isEmpty();
		assertThat(this.ledger.outstanding()).isZero();
	}

	@Test
	void theOldestMessagesMergedInOneAnswerShouldPassAsOneDelivery() {
		this.ledger.measure(0, 10 * MS);
		this.ledger.publish(0, 0);
		this.ledger.publish(0, MS);
		this.ledger.publish(0, 2 * MS);
		this.ledger.delivered(0, 0x3, 5 * MS);
		assertThat(this.ledger.takeErrors()).contains("LOST: 1 message(s) in all")
			.anySatisfy((line) -> assertThat(line).startsWith("LOST: VF 0 never received #2"));
		assertThat(this.ledger.deliveries()).isEqualTo(1);
		assertThat(this.ledger.messagesDelivered()).isEqualTo(2);
	}

	@Test
	void aMessageBeforeAnOlderOneShouldBeAnError() {
		this.ledger.publish(0, 0);
		var second = this.ledger.publish(0, MS);
		this.ledger.delivered(0, second.mask, 2 * MS);
		assertThat(this.ledger.takeErrors()).first().satisfies((line) -> assertThat(line).contains("out of order"));
	}

	@Test
	void aMessageTwiceOrNeverSentShouldBeAnError() {
		var only = this.ledger.publish(1, 0);
		this.ledger.delivered(1, only.mask, MS);
		this.ledger.delivered(1, only.mask, 2 * MS);
		this.ledger.delivered(1, 0x80, 3 * MS);
		assertThat(this.ledger.takeErrors()).hasSize(2).allSatisfy((line) -> assertThat(line).contains("twice, or never sent"));
	}

	@Test
	void anAnswerWithPartOfTheOldestMessagesShouldBeAnError() {
		this.ledger.publish(0, 0);
		this.ledger.publish(0, MS);
		// The second without the first, merged with a bit nobody sent.
		this.ledger.delivered(0, 0x1 | 0x4, 2 * MS);
		assertThat(this.ledger.takeErrors()).first().satisfies((line) -> assertThat(line).contains("out of order"));
	}

	@Test
	void aMessageNeverDeliveredShouldBeReportedAsLossOnce() {
		this.ledger.publish(1, 0);
		assertThat(this.ledger.takeErrors()).contains("LOST: 1 message(s) in all")
			.anySatisfy((line) -> assertThat(line).startsWith("LOST: VF 1 never received #0"));
		assertThat(this.ledger.takeErrors()).isEmpty();
		assertThat(this.ledger.outstanding()).isZero();
	}

	@Test
	void aPollTimeoutMayMissAMessageAcceptedAfterThePollWasSent() {
		var message = this.ledger.publish(0, 0);
		this.ledger.timedOut(0, MS);
		this.ledger.accepted(message, 2 * MS);
		this.ledger.timedOut(0, MS);
		this.ledger.delivered(0, message.mask, 3 * MS);
		assertThat(this.ledger.takeErrors()).isEmpty();
	}

	@Test
	void aPollTimeoutShouldNotLeaveBehindAMessageAcceptedBeforeThePollWasSent() {
		this.ledger.accepted(this.ledger.publish(0, 0), 2 * MS);
		this.ledger.timedOut(0, 3 * MS);
		assertThat(this.ledger.takeErrors()).first().satisfies((line) -> assertThat(line).contains("timed out without it"));
	}

	@Test
	void aRefusedPublishShouldBeAnErrorAndNotLoss() {
		var message = this.ledger.publish(0, 0);
		this.ledger.refused(message, "HTTP 503");
		assertThat(this.ledger.outstanding()).isZero();
		assertThat(this.ledger.takeErrors()).singleElement().satisfies((line) -> assertThat(line).contains("HTTP 503"));
	}

	@Test
	void aVfWith64UndeliveredMessagesShouldTakeNoMore() {
		for (int i = 0; i < MessageLedger.MAX_UNDELIVERED; i++) {
			assertThat(this.ledger.publish(0, i)).isNotNull();
		}
		assertThat(this.ledger.full(0)).isTrue();
		assertThat(this.ledger.publish(0, 64)).isNull();
		assertThat(this.ledger.full(1)).isFalse();
		this.ledger.delivered(0, 0x1, MS);
		// Message 64 takes bit 0 again, free now.
		assertThat(this.ledger.publish(0, 64).mask).isEqualTo(0x1);
	}

	@Test
	void latencyShouldCountFromWhenDueForMessagesDueInTheWindowAndDeliveriesReadInIt() {
		this.ledger.measure(1_000 * MS, 2_000 * MS);
		// Due before the window, read in it: a delivery of the window, but no latency of it.
		var early = this.ledger.publish(0, 999 * MS);
		this.ledger.delivered(0, early.mask, 1_001 * MS);
		// 100 messages due in the window, read 1 to 100 ms after they were due.
		for (int i = 1; i <= 100; i++) {
			int vf = i % 2;
			long due = 1_000 * MS + i * MS;
			var message = this.ledger.publish(vf, due);
			this.ledger.delivered(vf, message.mask, due + i * MS);
		}
		// Due in the window, read after it: latency, not a delivery of the window.
		var late = this.ledger.publish(0, 1_999 * MS);
		this.ledger.delivered(0, late.mask, 2_500 * MS);
		var latency = this.ledger.latencyMicros();
		assertThat(latency.getTotalCount()).isEqualTo(101);
		assertThat(latency.getValueAtPercentile(50) / 1000.0).isBetween(50.0, 51.1);
		assertThat(latency.getValueAtPercentile(99) / 1000.0).isBetween(99.0, 100.1);
		assertThat(latency.getMaxValue() / 1000.0).isBetween(501.0, 501.6);
		assertThat(this.ledger.deliveries()).isEqualTo(101);
	}

}
