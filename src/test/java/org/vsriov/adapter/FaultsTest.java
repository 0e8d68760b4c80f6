package org.vsriov.adapter;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fault rules in the adapter: matching, counting under concurrency, seeded chances, and the actions
 * the adapter itself carries out (on deliveries, OID requests, and reset or free before a step).
 * What the web layer does with fail, short-read, delay and drop is InstrumentServerTest's.
 */
class FaultsTest {

	private final List<VirtualAdapter> adapters = new ArrayList<>();

	@AfterEach
	void close() {
		this.adapters.forEach(VirtualAdapter::close);
	}

	@Test
	void aRuleShouldFireOnlyOnTheStepVfAndBlockItNames() {
		VirtualAdapter adapter = adapter(0);
		FaultRule rule = adapter.faults().add(rule(FaultRule.On.VF_READ, 1, 5, FaultRule.Action.FAIL, null, 3));
		assertThat(adapter.fault(FaultRule.On.VF_WRITE, 1, 5, null)).isNull();
		assertThat(adapter.fault(FaultRule.On.VF_READ, 0, 5, null)).isNull();
		assertThat(adapter.fault(FaultRule.On.VF_READ, 1, 4, null)).isNull();
		assertThat(adapter.fault(FaultRule.On.VF_READ, 1, 5, null)).isEqualTo(rule);
		FaultRule delivery = adapter.faults().add(rule(FaultRule.On.DELIVERY, null, 5, FaultRule.Action.DELAY,
				Duration.ofMillis(1), 1));
		assertThat(adapter.fault(FaultRule.On.DELIVERY, 2, -1, BlockMask.parse("0x1"))).isNull();
		assertThat(adapter.fault(FaultRule.On.DELIVERY, 2, -1, BlockMask.parse("0x21"))).isEqualTo(delivery);
		assertThat(adapter.faults().list()).extracting(Faults.Listed::fired, Faults.Listed::remaining)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 2), org.assertj.core.groups.Tuple.tuple(1L, 0));
		assertThat(JournalTest.all(adapter, (event) -> event.op() == JournalEvent.Op.FAULT))
			.extracting(JournalEvent::faultId).containsExactly(rule.id(), delivery.id());
	}

	@Test
	void timesShouldBeFiredExactlyUnderConcurrency() throws Exception {
		VirtualAdapter adapter = adapter(0);
		adapter.faults().add(rule(FaultRule.On.VF_READ, null, null, FaultRule.Action.SHORT_READ, null, 100));
		ExecutorService threads = Executors.newFixedThreadPool(8);
		var start = new CountDownLatch(1);
		try {
			var counts = new ArrayList<Future<Integer>>();
			for (int t = 0; t < 8; t++) {
				counts.add(threads.submit(() -> {
					start.await();
					int fired = 0;
					for (int i = 0; i < 1_000; i++) {
						fired += (adapter.fault(FaultRule.On.VF_READ, i % 4, 1, null) != null) ? 1 : 0;
					}
					return fired;
				}));
			}
			start.countDown();
			int total = 0;
			for (Future<Integer> count : counts) {
				total += count.get(30, TimeUnit.SECONDS);
			}
			assertThat(total).isEqualTo(100);
			assertThat(adapter.faults().list().get(0).fired()).isEqualTo(100);
			assertThat(adapter.faults().list().get(0).remaining()).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void theSeedShouldMakeAProbabilityRunRepeatExactly() {
		List<Boolean> first = draws(adapter(42));
		List<Boolean> again = draws(adapter(42));
		List<Boolean> other = draws(adapter(43));
		assertThat(again).isEqualTo(first);
		assertThat(other).isNotEqualTo(first);
		assertThat(first.stream().filter(Boolean::booleanValue).count()).isBetween(200L, 400L);
	}

	/** 1,000 steps against a rule with chance 0.3, with another rule drawing in between. */
	private static List<Boolean> draws(VirtualAdapter adapter) {
		adapter.faults().add(new FaultRule(0, FaultRule.On.VF_WRITE, null, null, FaultRule.Action.DELAY, null,
				Duration.ofMillis(1), null, null, 0.5));
		adapter.faults().add(new FaultRule(0, FaultRule.On.VF_READ, null, null, FaultRule.Action.SHORT_READ, null,
				null, 4, null, 0.3));
		var fired = new ArrayList<Boolean>();
		for (int i = 0; i < 1_000; i++) {
			adapter.fault(FaultRule.On.VF_WRITE, 0, 1, null);
			fired.add(adapter.fault(FaultRule.On.VF_READ, 0, 1, null) != null);
		}
		return fired;
	}

	@Test
	void resetAndFreeShouldHappenJustBeforeTheStep() {
		VirtualAdapter adapter = adapter(0);
		String cursor = Polls.startCursor(adapter, 0);
		adapter.faults().add(rule(FaultRule.On.VF_READ, 0, null, FaultRule.Action.RESET_VF, null, 1));
		adapter.fault(FaultRule.On.VF_READ, 0, 3, null);
		assertThatThrownBy(() -> Polls.poll(adapter, 0, cursor, "0"))
			.isInstanceOfSatisfying(AdapterException.class, (ex) -> assertThat(ex.fault()).isEqualTo(Fault.STALE_CURSOR));
		adapter.faults().add(rule(FaultRule.On.INVALIDATION, 1, null, FaultRule.Action.FREE_VF, null, 1));
		adapter.fault(FaultRule.On.INVALIDATION, 1, -1, BlockMask.parse("0x1"));
		assertThatThrownBy(() -> adapter.state(1))
			.isInstanceOfSatisfying(AdapterException.class, (ex) -> assertThat(ex.fault()).isEqualTo(Fault.VF_NOT_FOUND));
		assertThat(JournalTest.all(adapter, (event) -> event.op() != JournalEvent.Op.POLL_TIMEOUT))
			.extracting(JournalEvent::op)
			.containsExactly(JournalEvent.Op.FAULT, JournalEvent.Op.RESET, JournalEvent.Op.FAULT, JournalEvent.Op.FREE);
	}

	@Test
	void aDroppedDeliveryShouldTakeItsBitsAndACursorLoopShouldLoseNothing() throws Exception {
		VirtualAdapter adapter = adapter(0);
		String cursor = Polls.startCursor(adapter, 0);
		adapter.faults().add(rule(FaultRule.On.DELIVERY, 0, null, FaultRule.Action.DROP, null, 1));
		adapter.invalidate(0, BlockMask.parse("0x6"));
		assertThat(Polls.poll(adapter, 0, cursor, "0").join()).isInstanceOf(PollOutcome.Dropped.class);
		// The lost answer's poll is repeated with the same cursor: the same bits again.
		assertThat(Polls.delivered(Polls.poll(adapter, 0, cursor, "0")).news()).isEqualTo(BlockMask.parse("0x6"));
		// A plain poll acknowledges what it takes, dropped or not.
		adapter.faults().add(rule(FaultRule.On.DELIVERY, 0, null, FaultRule.Action.DROP, null, 1));
		adapter.invalidate(0, BlockMask.parse("0x8"));
		assertThat(Polls.poll(adapter, 0, null, "0").join()).isInstanceOf(PollOutcome.Dropped.class);
		assertThat(adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void aDelayedDeliveryShouldComeAfterItsDelay() throws Exception {
		VirtualAdapter adapter = adapter(0);
		String cursor = Polls.startCursor(adapter, 0);
		adapter.faults().add(rule(FaultRule.On.DELIVERY, 0, null, FaultRule.Action.DELAY, Duration.ofMillis(300), 1));
		CompletableFuture<PollOutcome<BlockMask>> poll = Polls.poll(adapter, 0, cursor, "30s");
		long start = System.nanoTime();
		adapter.invalidate(0, BlockMask.parse("0x1"));
		assertThat(Polls.delivered(Polls.await(poll)).news()).isEqualTo(BlockMask.parse("0x1"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void aResetOnDeliveryShouldEndThePollWithVfReset() throws Exception {
		VirtualAdapter adapter = adapter(0);
		String cursor = Polls.startCursor(adapter, 0);
		adapter.faults().add(rule(FaultRule.On.DELIVERY, 0, null, FaultRule.Action.RESET_VF, null, 1));
		CompletableFuture<PollOutcome<BlockMask>> poll = Polls.poll(adapter, 0, cursor, "30s");
		adapter.invalidate(0, BlockMask.parse("0x1"));
		assertThat(Polls.await(poll)).isEqualTo(new PollOutcome.Ended<BlockMask>(Fault.VF_RESET, 0));
	}

	@Test
	void aDelayedOidRequestShouldReachThePfOnlyAfterItsDelay() throws Exception {
		VirtualAdapter adapter = adapter(0);
		adapter.blockSource(0, BlockSource.PF);
		adapter.faults().add(rule(FaultRule.On.OID_REQUEST, 0, 2, FaultRule.Action.DELAY, Duration.ofMillis(300), 1));
		var read = new CompletableFuture<OidOutcome>();
		long start = System.nanoTime();
		adapter.readFromPf(0, 2, 4, read::complete);
		var taken = new CompletableFuture<PollOutcome<List<OidRequest>>>();
		adapter.pollOidRequests(null, PollTimeout.parse("10s", adapter.properties().poll()), taken::complete);
		var handedOver = (PollOutcome.Delivered<List<OidRequest>>) Polls.await(taken);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		adapter.completeOid(handedOver.news().get(0).requestId(), NdisStatus.NDIS_STATUS_SUCCESS, new byte[] { 1 },
				null);
		assertThat(read.get(10, TimeUnit.SECONDS)).isInstanceOf(OidOutcome.Completed.class);
		assertThat(JournalTest.all(adapter, (event) -> true)).extracting(JournalEvent::op).containsExactly(
				JournalEvent.Op.FAULT, JournalEvent.Op.OID_REQUEST, JournalEvent.Op.OID_COMPLETE, JournalEvent.Op.READ);
	}

	@Test
	void aStepDelayedAcrossAResetOfTheAdapterShouldNotBeTaken() throws Exception {
		VirtualAdapter adapter = adapter(0);
		CompletableFuture<BlockMask> invalidated = adapter.later(Duration.ofMillis(300),
				() -> adapter.invalidate(0, BlockMask.parse("0x2")));
		adapter.restart();
		assertThatThrownBy(() -> invalidated.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AdapterException.class);
		assertThat(adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
		assertThat(JournalTest.all(adapter, (event) -> true)).isEmpty();
	}

	@Test
	void aDeliveryDelayedAcrossAResetShouldEndAsTheResetEndedItsVf() throws Exception {
		VirtualAdapter adapter = adapter(0);
		adapter.faults().add(rule(FaultRule.On.DELIVERY, null, null, FaultRule.Action.DELAY, Duration.ofMillis(300), null));
		CompletableFuture<PollOutcome<BlockMask>> first = Polls.poll(adapter, 0, Polls.startCursor(adapter, 0), "30s");
		adapter.invalidate(0, BlockMask.parse("0x1"));
		adapter.reset(0);
		assertThat(Polls.await(first)).isEqualTo(new PollOutcome.Ended<BlockMask>(Fault.VF_RESET, 0));

		CompletableFuture<PollOutcome<BlockMask>> second = Polls.poll(adapter, 1, Polls.startCursor(adapter, 1), "30s");
		adapter.invalidate(1, BlockMask.parse("0x1"));
		adapter.restart();
		assertThat(Polls.await(second)).isEqualTo(new PollOutcome.Ended<BlockMask>(Fault.VF_GONE, 1));
		assertThat(JournalTest.all(adapter, (event) -> true)).isEmpty();
	}

	@Test
	void anOidRequestDelayedAcrossAVfResetShouldEndWithVfReset() throws Exception {
		VirtualAdapter adapter = adapter(0);
		adapter.blockSource(1, BlockSource.PF);
		adapter.faults().add(rule(FaultRule.On.OID_REQUEST, 1, null, FaultRule.Action.DELAY, Duration.ofMillis(300), 1));
		var read = new CompletableFuture<OidOutcome>();
		adapter.readFromPf(1, 2, 4, read::complete);
		adapter.reset(1);
		assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(new OidOutcome.Ended(Fault.VF_RESET));
		var taken = new CompletableFuture<PollOutcome<List<OidRequest>>>();
		adapter.pollOidRequests(null, PollTimeout.parse("0", adapter.properties().poll()), taken::complete);
		assertThat(taken.join()).isInstanceOf(PollOutcome.TimedOut.class);
	}

	@Test
	void aShortReadShouldFireOnlyForAReadOfMoreBytesThanItLeaves() {
		VirtualAdapter adapter = adapter(0);
		adapter.faults().add(rule(FaultRule.On.VF_READ, 0, null, FaultRule.Action.SHORT_READ, null, 1));
		assertThat(adapter.fault(FaultRule.On.VF_READ, 0, 1, null, 4)).isNull();
		assertThat(adapter.fault(FaultRule.On.VF_READ, 0, 1, null, 5)).isNotNull();
	}

	@Test
	void aBroadcastShouldMeetTheRulesOfEachVf() {
		VirtualAdapter adapter = adapter(0);
		adapter.faults().add(rule(FaultRule.On.INVALIDATION, 1, null, FaultRule.Action.DROP, null, 1));
		adapter.faults().add(rule(FaultRule.On.INVALIDATION, 2, null, FaultRule.Action.FREE_VF, null, 1));
		Map<Integer, BlockMask> pending = adapter.invalidateAll(BlockMask.parse("0x1"));
		assertThat(pending).containsOnlyKeys(0, 1, 3);
		assertThat(pending.get(0)).isEqualTo(BlockMask.parse("0x1"));
		assertThat(pending.get(1)).isEqualTo(BlockMask.NONE);
		assertThat(adapter.state(1).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	@Test
	void aRuleWhoseMembersDoNotFitShouldBeRefused() {
		VirtualAdapter adapter = adapter(0);
		List<FaultRule> wrong = List.of(rule(FaultRule.On.DELIVERY, null, null, FaultRule.Action.FAIL, null, 1),
				rule(FaultRule.On.VF_READ, null, null, FaultRule.Action.DROP, null, 1),
				rule(FaultRule.On.VF_WRITE, null, null, FaultRule.Action.SHORT_READ, null, 1),
				rule(FaultRule.On.VF_READ, null, null, FaultRule.Action.DELAY, null, 1),
				rule(FaultRule.On.VF_READ, null, null, FaultRule.Action.DELAY, Duration.ofMinutes(2), 1),
				rule(FaultRule.On.VF_READ, 8, null, FaultRule.Action.RESET_VF, null, 1),
				rule(FaultRule.On.INVALIDATION, null, 64, FaultRule.Action.DROP, null, 1),
				rule(FaultRule.On.VF_READ, null, null, FaultRule.Action.RESET_VF, null, 0),
				new FaultRule(0, FaultRule.On.VF_READ, null, null, FaultRule.Action.FAIL, null, null, 4, 1, 1.0),
				new FaultRule(0, FaultRule.On.VF_READ, null, null, FaultRule.Action.FAIL, null, null, null, 1, 0.0),
				new FaultRule(0, FaultRule.On.VF_READ, null, null, FaultRule.Action.FAIL,
						NdisStatus.NDIS_STATUS_SUCCESS, null, null, 1, 1.0));
		for (FaultRule rule : wrong) {
			assertThatThrownBy(() -> adapter.faults().add(rule)).as(rule.toString())
				.isInstanceOfSatisfying(AdapterException.class,
						(ex) -> assertThat(ex.fault()).isEqualTo(Fault.MALFORMED_REQUEST));
		}
		assertThat(adapter.faults().list()).isEmpty();
	}

	private static FaultRule rule(FaultRule.On on, Integer vfId, Integer blockId, FaultRule.Action action,
			Duration delay, Integer times) {
		return new FaultRule(0, on, vfId, blockId, action, null, delay,
				(action == FaultRule.Action.SHORT_READ) ? 4 : null, times, 1.0);
	}

	private VirtualAdapter adapter(long seed) {
		VsriovProperties defaults = VsriovProperties.defaults();
		var properties = new VsriovProperties(8, 4, 64, 128, 1024, defaults.poll(), defaults.http(), BlockSource.STORE,
				defaults.oid(), defaults.journal(), new VsriovProperties.FaultSettings(seed)).withMaxParked(1000);
		var adapter = new VirtualAdapter(properties, Clock.systemUTC());
		this.adapters.add(adapter);
		return adapter;
	}

}
