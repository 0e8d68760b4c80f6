package org.vsriov.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The benchmark's correctness checks must catch what API.md forbids, and nothing else. */
class LedgerTest {

	private final Ledger ledger = new Ledger(2);

	@Test
	void invalidationsDeliveredWholeAndMergedShouldPassAndCountLatencyFromWhenTheyWereDue() {
		this.ledger.measureFrom(0);
		var first = this.ledger.invalidated(0, 0x1, 1_000);
		var second = this.ledger.invalidated(0, 0x6, 2_000);
		first.accepted(3_000);
		second.accepted(4_000);
		this.ledger.delivered(0, 0x7, 2_500, 1_001_000);
		assertThat(this.ledger.takeErrors()).isEmpty();
		assertThat(this.ledger.outstanding()).isZero();
		assertThat(this.ledger.delivered()).isEqualTo(2);
		assertThat(this.ledger.deliveries()).isEqualTo(1);
		assertThat(this.ledger.latencyMicros().getMaxValue()).isBetween(999L, 1_001L);
	}

	@Test
	void invalidationNeverDeliveredShouldBeReportedAsLossOnce() {
		this.ledger.invalidated(1, 0x10, 1_000).accepted(2_000);
		assertThat(this.ledger.takeErrors()).anySatisfy((line) -> assertThat(line).startsWith("LOST: VF 1"));
		assertThat(this.ledger.takeErrors()).isEmpty();
	}

	@Test
	void partOfAnInvalidationShouldBeAnError() {
		this.ledger.invalidated(0, 0x3, 1_000).accepted(2_000);
		this.ledger.delivered(0, 0x1, 1_500, 3_000);
		assertThat(this.ledger.takeErrors()).anySatisfy((line) -> assertThat(line).contains("part of an invalidation"));
	}

	@Test
	void bitsNobodySentOrAlreadyDeliveredShouldBeAnError() {
		this.ledger.invalidated(0, 0x1, 1_000).accepted(2_000);
		this.ledger.delivered(0, 0x1, 2_500, 3_000);
		this.ledger.delivered(0, 0x1, 3_500, 4_000);
		assertThat(this.ledger.takeErrors()).singleElement()
			.satisfies((line) -> assertThat(line).contains("bits nobody invalidated"));
	}

	@Test
	void pollSentAfterThe202ThatComesBackWithoutItShouldBeAnError() {
		this.ledger.invalidated(0, 0x1, 1_000).accepted(2_000);
		this.ledger.timedOut(0, 2_500);
		this.ledger.delivered(0, 0x2, 3_000, 3_500);
		assertThat(this.ledger.takeErrors()).filteredOn((line) -> line.contains("without it")).hasSize(2);
	}

	@Test
	void pollSentBeforeThe202MayStillMissIt() {
		var invalidation = this.ledger.invalidated(0, 0x1, 1_000);
		this.ledger.timedOut(0, 1_500);
		invalidation.accepted(2_000);
		this.ledger.delivered(0, 0x1, 2_500, 3_000);
		assertThat(this.ledger.takeErrors()).isEmpty();
	}

	@Test
	void masksInFlightToOneVfMustNotShareABit() {
		this.ledger.invalidated(0, 0x3, 1_000);
		assertThat(this.ledger.freeBits(0) & 0x3).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> this.ledger.invalidated(0, 0x2, 2_000));
		this.ledger.invalidated(1, 0x3, 2_000);
	}

	@Test
	void invalidationAnsweredWithAnotherStatusShouldBeExpectedNeverAndFreeItsBits() {
		var refused = this.ledger.invalidated(0, 0x1, 1_000);
		this.ledger.declined(refused);
		assertThat(this.ledger.outstanding()).isZero();
		assertThat(this.ledger.freeBits(0) & 0x1).isEqualTo(0x1);
		assertThat(this.ledger.takeErrors()).isEmpty();
	}

	@Test
	void unansweredInvalidationMayArriveOrNotButIsNoLoss() {
		var arrives = this.ledger.invalidated(0, 0x1, 1_000);
		var never = this.ledger.invalidated(0, 0x2, 1_000);
		this.ledger.unanswered(arrives);
		this.ledger.unanswered(never);
		assertThat(this.ledger.expected()).isZero();
		assertThat(this.ledger.freeBits(0) & 0x3).isZero();
		this.ledger.delivered(0, 0x1, 500, 2_000);
		assertThat(this.ledger.outstanding()).isEqualTo(1);
		assertThat(this.ledger.takeErrors()).isEmpty();
	}

	@Test
	void lossAmongUnansweredOnesShouldStillBeReported() {
		this.ledger.unanswered(this.ledger.invalidated(0, 0x1, 1_000));
		this.ledger.invalidated(1, 0x1, 1_000).accepted(2_000);
		assertThat(this.ledger.expected()).isEqualTo(1);
		assertThat(this.ledger.takeErrors()).anySatisfy((line) -> assertThat(line).startsWith("LOST: VF 1"))
			.noneSatisfy((line) -> assertThat(line).startsWith("LOST: VF 0"))
			.contains("LOST: 1 invalidation(s) in all");
	}

}
