package org.vsriov.adapter;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.vsriov.adapter.Polls.await;
import static org.vsriov.adapter.Polls.delivered;
import static org.vsriov.adapter.Polls.poll;
import static org.vsriov.adapter.Polls.startCursor;

class InvalidationPollTest {

	private final VirtualAdapter adapter = new VirtualAdapter(VsriovProperties.defaults(), Clock.systemUTC());

	@AfterEach
	void close() {
		this.adapter.close();
	}

	@Test
	void pollWhenInvalidatedTwiceShouldDeliverOneMergedMask() {
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		this.adapter.invalidate(0, BlockMask.parse("0x20"));
		assertThat(delivered(poll(this.adapter, 0, null, "0")).news()).isEqualTo(BlockMask.parse("0x21"));
		assertThat(poll(this.adapter, 0, null, "0").join()).isInstanceOf(PollOutcome.TimedOut.class);
	}

	@Test
	void tenInvalidationsWhileNoPollWaitsShouldGiveExactlyOneDelivery() {
		String cursor = startCursor(this.adapter, 0);
		for (int i = 0; i < 10; i++) {
			this.adapter.invalidate(0, BlockMask.ofBlocks(List.of(i)));
		}
		var first = delivered(poll(this.adapter, 0, cursor, "0"));
		assertThat(first.news().toHex()).isEqualTo("0x00000000000003ff");
		assertThat(poll(this.adapter, 0, first.cursor().encode(), "0").join()).isInstanceOf(PollOutcome.TimedOut.class);
		assertThat(this.adapter.stats().deliveries()).isEqualTo(1);
	}

	@Test
	void parkedPollShouldCompleteWhenThePfInvalidates() throws Exception {
		var parked = poll(this.adapter, 0, startCursor(this.adapter, 0), "30s");
		assertThat(parked).isNotDone();
		assertThat(this.adapter.state(0).waiters()).isEqualTo(1);
		this.adapter.invalidate(0, BlockMask.parse("0x8000000000000000"));
		assertThat(delivered(await(parked)).news().blocks()).containsExactly(63);
		assertThat(this.adapter.state(0).waiters()).isZero();
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void repeatedCursorShouldReturnTheSameBitsAgainPlusNewerOnes() {
		String start = startCursor(this.adapter, 0);
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		var lost = delivered(poll(this.adapter, 0, start, "0"));
		assertThat(lost.news().bits()).isEqualTo(0x1);
		this.adapter.invalidate(0, BlockMask.parse("0x2"));
		var again = delivered(poll(this.adapter, 0, start, "0"));
		assertThat(again.news().bits()).isEqualTo(0x3);
		assertThat(again.cursor()).isNotEqualTo(lost.cursor());
	}

	@Test
	void pollWithCursorShouldAcknowledgeUpToItAndNotBeyond() {
		String start = startCursor(this.adapter, 0);
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		var first = delivered(poll(this.adapter, 0, start, "0"));
		// Delivered but not yet acknowledged: the answer may be lost in transit.
		assertThat(this.adapter.state(0).pendingMask().bits()).isEqualTo(0x1);
		this.adapter.invalidate(0, BlockMask.parse("0x4"));
		delivered(poll(this.adapter, 0, first.cursor().encode(), "0"));
		assertThat(this.adapter.state(0).pendingMask().bits()).isEqualTo(0x4);
	}

	@Test
	void plainPollShouldTakeThePendingMaskAndAcknowledgeIt() {
		this.adapter.invalidate(0, BlockMask.parse("0x3"));
		assertThat(this.adapter.state(0).pendingMask().bits()).isEqualTo(0x3);
		assertThat(delivered(poll(this.adapter, 0, null, "0")).news().bits()).isEqualTo(0x3);
		assertThat(this.adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void parkedPlainPollShouldAcknowledgeOnDelivery() throws Exception {
		var parked = poll(this.adapter, 0, null, "30s");
		this.adapter.invalidate(0, BlockMask.parse("0x10"));
		assertThat(delivered(await(parked)).news().bits()).isEqualTo(0x10);
		assertThat(this.adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void everyWaiterShouldGetTheBitsAfterItsOwnCursor() throws Exception {
		String start = startCursor(this.adapter, 0);
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		String afterFirst = delivered(poll(this.adapter, 0, start, "0")).cursor().encode();
		var current = poll(this.adapter, 0, afterFirst, "30s");
		var plain = poll(this.adapter, 0, null, "30s");
		this.adapter.invalidate(0, BlockMask.parse("0x4"));
		assertThat(delivered(await(current)).news().bits()).isEqualTo(0x4);
		assertThat(delivered(await(plain)).news().bits()).isEqualTo(0x4);
		assertThat(delivered(poll(this.adapter, 0, start, "0")).news().bits()).isEqualTo(0x5);
	}

	@Test
	void pollOverTheWaiterCapShouldSupersedeTheOldestWithItsUnchangedCursor() throws Exception {
		String cursor = startCursor(this.adapter, 0);
		var parked = new ArrayList<CompletableFuture<PollOutcome<BlockMask>>>();
		for (int i = 0; i < 16; i++) {
			parked.add(poll(this.adapter, 0, cursor, "30s"));
		}
		var newest = poll(this.adapter, 0, cursor, "30s");
		assertThat(await(parked.get(0))).isEqualTo(new PollOutcome.TimedOut<BlockMask>(Cursor.parse(cursor)));
		assertThat(this.adapter.state(0).waiters()).isEqualTo(16);
		assertThat(parked.subList(1, 16)).noneMatch(CompletableFuture::isDone);
		assertThat(newest).isNotDone();
		this.adapter.invalidate(0, BlockMask.parse("0x2"));
		assertThat(delivered(await(newest)).news().bits()).isEqualTo(0x2);
		assertThat(parked.subList(1, 16)).allSatisfy((poll) -> assertThat(delivered(poll).news().bits()).isEqualTo(0x2));
	}

	@Test
	void supersededPlainPollShouldTakeNothing() throws Exception {
		var oldest = poll(this.adapter, 0, null, "30s");
		for (int i = 0; i < 16; i++) {
			poll(this.adapter, 0, startCursor(this.adapter, 0), "30s");
		}
		assertThat(await(oldest)).isInstanceOf(PollOutcome.TimedOut.class);
		this.adapter.invalidate(0, BlockMask.parse("0x10"));
		assertThat(this.adapter.state(0).pendingMask().bits()).isEqualTo(0x10);
	}

	@Test
	void pollShouldTimeOutWithTheUnchangedCursorNoEarlierThanFifteenSixteenths() throws Exception {
		String cursor = startCursor(this.adapter, 0);
		long start = System.nanoTime();
		var outcome = await(poll(this.adapter, 0, cursor, "160ms"));
		long waitedMillis = (System.nanoTime() - start) / 1_000_000;
		assertThat(outcome).isEqualTo(new PollOutcome.TimedOut<BlockMask>(Cursor.parse(cursor)));
		assertThat(waitedMillis).isGreaterThanOrEqualTo(150);
		assertThat(this.adapter.state(0).waiters()).isZero();
	}

	@Test
	void withdrawnPlainPollShouldAcknowledgeNothing() {
		var outcome = new CompletableFuture<PollOutcome<BlockMask>>();
		Waiter<BlockMask> waiter = this.adapter.pollInvalidations(0, null,
				PollTimeout.parse("30s", this.adapter.properties().poll()), outcome::complete);
		waiter.cancel();
		this.adapter.invalidate(0, BlockMask.parse("0x8"));
		assertThat(outcome).isNotDone();
		assertThat(this.adapter.state(0).pendingMask().bits()).isEqualTo(0x8);
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void cursorOfAnotherVfOrAheadOfTheVfShouldBeInvalid() {
		String ofVf1 = startCursor(this.adapter, 1);
		assertFault(() -> poll(this.adapter, 0, ofVf1, "0"), Fault.INVALID_CURSOR);
		Cursor current = Cursor.parse(startCursor(this.adapter, 0));
		String ahead = new Cursor(current.stream(), 0, current.life(), current.position() + 1).encode();
		assertFault(() -> poll(this.adapter, 0, ahead, "0"), Fault.INVALID_CURSOR);
		String writes = new Cursor(Cursor.Stream.BLOCK_WRITES, 0, current.life(), 0).encode();
		assertFault(() -> poll(this.adapter, 0, writes, "0"), Fault.INVALID_CURSOR);
	}

	@Test
	void cursorOfAnotherLifeShouldBeStale() {
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		Cursor current = Cursor.parse(startCursor(this.adapter, 0));
		String earlierLife = new Cursor(current.stream(), 0, current.life() + 1, 0).encode();
		assertFault(() -> poll(this.adapter, 0, earlierLife, "0"), Fault.STALE_CURSOR);
		assertThat(this.adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void closeShouldAnswerParkedPollsAndRefuseNewOnesThatWouldWait() throws Exception {
		var parked = poll(this.adapter, 2, null, "5m");
		this.adapter.close();
		assertThat(await(parked)).isInstanceOf(PollOutcome.TimedOut.class);
		assertFault(() -> poll(this.adapter, 2, null, "5m"), Fault.SERVICE_STOPPING);
		assertThat(poll(this.adapter, 2, null, "0")).as("a poll that does not wait")
			.isCompletedWithValueMatching(PollOutcome.TimedOut.class::isInstance);
		this.adapter.invalidate(2, BlockMask.parse("0x4"));
		assertThat(delivered(poll(this.adapter, 2, null, "5m")).news()).as("a poll with news").isEqualTo(BlockMask.parse("0x4"));
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void pollsRacingWithCloseShouldAllBeAnsweredOrRefusedAsStoppingNoneLeftParked() throws Exception {
		var threads = Executors.newFixedThreadPool(4);
		var started = new CountDownLatch(500);
		var pollers = new ArrayList<Future<?>>();
		for (int t = 0; t < 4; t++) {
			int vf = t;
			pollers.add(threads.submit(() -> {
				// Parks polls until one is refused, which only happens after close(); keeps the last few
				// parked and withdraws older ones, to stay under the waiter cap.
				var parked = new ArrayDeque<Waiter<BlockMask>>();
				while (true) {
					var outcome = new CompletableFuture<PollOutcome<BlockMask>>();
					Waiter<BlockMask> waiter;
					try {
						waiter = this.adapter.pollInvalidations(vf, null,
								PollTimeout.parse("1m", this.adapter.properties().poll()), outcome::complete);
					}
					catch (AdapterException ex) {
						assertThat(ex.fault()).isEqualTo(Fault.SERVICE_STOPPING);
						// Every poll still parked at close() was answered by it.
						parked.forEach((stillParked) -> assertThat(stillParked.cancel()).isFalse());
						return null;
					}
					started.countDown();
					parked.add(waiter);
					if (parked.size() == 8) {
						parked.remove().cancel();
					}
				}
			}));
		}
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		this.adapter.close();
		for (Future<?> poller : pollers) {
			poller.get(10, TimeUnit.SECONDS);
		}
		threads.shutdown();
		// A poll parked after its VF was released would still count here, and wait for a timer
		// that no longer runs.
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void invalidateAllShouldMergeIntoEveryAllocatedVf() {
		this.adapter.invalidate(1, BlockMask.parse("0x1"));
		Map<Integer, BlockMask> pending = this.adapter.invalidateAll(BlockMask.parse("0x2"));
		assertThat(pending.keySet()).containsExactly(0, 1, 2, 3);
		assertThat(pending.values()).extracting(BlockMask::bits).containsExactly(2L, 3L, 2L, 2L);
	}

	@Test
	void maskNamingAnUndefinedBlockShouldBeRefused() {
		var small = new VirtualAdapter(new VsriovProperties(8, 1, 16, 128, 1024, VsriovProperties.Poll.defaults(), VsriovProperties.Http.defaults(),
				BlockSource.STORE, VsriovProperties.Oid.defaults(),
				VsriovProperties.JournalSettings.defaults(), VsriovProperties.FaultSettings.defaults()),
				Clock.systemUTC());
		assertFault(() -> small.invalidate(0, BlockMask.ofBlocks(List.of(16))), Fault.INVALID_BLOCK_MASK);
		assertFault(() -> small.invalidateAll(BlockMask.ofBlocks(List.of(40))), Fault.INVALID_BLOCK_MASK);
		assertThat(small.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
		assertThat(small.invalidate(0, BlockMask.ofBlocks(List.of(15))).blocks()).containsExactly(15);
		small.close();
	}

	@Test
	void vfIdsShouldBeCheckedAgainstTotalVfsAndAllocation() {
		assertFault(() -> this.adapter.invalidate(64, BlockMask.parse("0x1")), Fault.INVALID_VF_ID);
		assertFault(() -> this.adapter.invalidate(-1, BlockMask.parse("0x1")), Fault.INVALID_VF_ID);
		assertFault(() -> this.adapter.invalidate(4, BlockMask.parse("0x1")), Fault.VF_NOT_FOUND);
		assertFault(() -> poll(this.adapter, 4, null, "0"), Fault.VF_NOT_FOUND);
		assertThat(this.adapter.stats().invalidations()).isZero();
	}

	static void assertFault(Runnable call, Fault fault) {
		assertThatExceptionOfType(AdapterException.class).isThrownBy(call::run)
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(fault));
	}

}
