package org.vsriov.adapter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The journal: every operation in one order, bounded, and its long poll, which is a test's await. */
class JournalTest {

	private final List<VirtualAdapter> adapters = new ArrayList<>();

	@AfterEach
	void close() {
		this.adapters.forEach(VirtualAdapter::close);
	}

	@Test
	void everyOperationShouldBeJournaledInOneOrder() throws Exception {
		VirtualAdapter adapter = adapter(100);
		String cursor = Polls.startCursor(adapter, 0);
		adapter.invalidate(0, BlockMask.parse("0x21"));
		Polls.poll(adapter, 0, cursor, "0").join();
		adapter.read(0, 5, 20, Role.VF);
		adapter.write(0, 5, new byte[] { 1, 2 }, Role.VF, (version) -> true);
		adapter.allocate(6);
		adapter.reset(6);
		adapter.free(6);

		List<JournalEvent> events = all(adapter, (event) -> true);
		assertThat(events).extracting(JournalEvent::op).containsExactly(JournalEvent.Op.POLL_TIMEOUT,
				JournalEvent.Op.INVALIDATE, JournalEvent.Op.DELIVER, JournalEvent.Op.READ, JournalEvent.Op.WRITE,
				JournalEvent.Op.ALLOCATE, JournalEvent.Op.RESET, JournalEvent.Op.FREE);
		assertThat(events).extracting(JournalEvent::seq).isSorted().doesNotHaveDuplicates();
		JournalEvent invalidate = events.get(1);
		assertThat(invalidate.role()).isEqualTo(JournalEvent.Party.PF);
		assertThat(invalidate.mask()).isEqualTo(BlockMask.parse("0x21"));
		JournalEvent deliver = events.get(2);
		assertThat(deliver.role()).isEqualTo(JournalEvent.Party.VF);
		assertThat(deliver.mask()).isEqualTo(BlockMask.parse("0x21"));
		assertThat(deliver.cursor()).isNotNull();
		JournalEvent read = events.get(3);
		assertThat(read.vfId()).isZero();
		assertThat(read.blockId()).isEqualTo(5);
		assertThat(read.length()).isEqualTo(20);
		assertThat(read.version()).isZero();
		assertThat(events.get(4).version()).isPositive();
		assertThat(events.get(4).length()).isEqualTo(2);
	}

	@Test
	void theJournalShouldStayWithinItsBoundAndAnOldCursorShouldBeStale() {
		VirtualAdapter adapter = adapter(100);
		Cursor early = adapter.journal().cursor();
		for (int i = 0; i < 10_000; i++) {
			adapter.invalidate(i % 4, BlockMask.parse("0x1"));
		}
		List<JournalEvent> kept = all(adapter, (event) -> true);
		assertThat(kept).hasSizeLessThanOrEqualTo(100).hasSizeGreaterThan(90);
		assertThat(kept.get(kept.size() - 1).seq()).isEqualTo(10_000);
		assertThatThrownBy(() -> poll(adapter, early, (event) -> true, "0"))
			.isInstanceOfSatisfying(AdapterException.class, (ex) -> assertThat(ex.fault()).isEqualTo(Fault.STALE_CURSOR));
	}

	@Test
	void anAwaitShouldReturnOnTheFirstMatchingEvent() throws Exception {
		VirtualAdapter adapter = adapter(100);
		CompletableFuture<PollOutcome<List<JournalEvent>>> await = poll(adapter, null,
				(event) -> event.op() == JournalEvent.Op.READ && event.vfId() == 0 && event.blockId() == 5, "10s");
		adapter.read(0, 4, Role.VF);
		adapter.read(1, 5, Role.VF);
		adapter.invalidate(0, BlockMask.parse("0x20"));
		assertThat(await).isNotDone();
		adapter.read(0, 5, Role.VF);
		var delivered = (PollOutcome.Delivered<List<JournalEvent>>) Polls.await(await);
		assertThat(delivered.news()).singleElement().satisfies((event) -> {
			assertThat(event.blockId()).isEqualTo(5);
			assertThat(event.seq()).isEqualTo(4);
		});
		assertThat(delivered.cursor().position()).isEqualTo(4);
	}

	/**
	 * Four threads read while one awaits reads with the cursor of each answer: every read is
	 * seen exactly once, however the events fall between two polls.
	 */
	@Test
	void awaitsWithTheCursorShouldNeverMissOrRepeatAnEvent() throws Exception {
		VirtualAdapter adapter = adapter(100_000);
		int perThread = 2_000;
		ExecutorService readers = Executors.newFixedThreadPool(4);
		try {
			var work = new ArrayList<Future<?>>();
			for (int t = 0; t < 4; t++) {
				int vfId = t;
				work.add(readers.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						adapter.read(vfId, 5, Role.VF);
						adapter.invalidate(vfId, BlockMask.parse("0x1"));
					}
				}));
			}
			var seen = new ArrayList<Long>();
			Cursor cursor = null;
			while (seen.size() < 4 * perThread) {
				PollOutcome<List<JournalEvent>> outcome = Polls.await(poll(adapter, cursor,
						(event) -> event.op() == JournalEvent.Op.READ, "10s"));
				assertThat(outcome).isInstanceOf(PollOutcome.Delivered.class);
				var delivered = (PollOutcome.Delivered<List<JournalEvent>>) outcome;
				delivered.news().forEach((event) -> seen.add(event.seq()));
				cursor = delivered.cursor();
			}
			for (Future<?> reader : work) {
				reader.get(30, TimeUnit.SECONDS);
			}
			assertThat(seen).hasSize(4 * perThread).isSorted().doesNotHaveDuplicates();
			assertThat(Polls.await(poll(adapter, cursor, (event) -> event.op() == JournalEvent.Op.READ, "0")))
				.isInstanceOf(PollOutcome.TimedOut.class);
		}
		finally {
			readers.shutdownNow();
		}
	}

	@Test
	void emptyingShouldMakeOldCursorsStaleAndLetWaitingPollsGoOn() throws Exception {
		VirtualAdapter adapter = adapter(100);
		adapter.read(0, 1, Role.VF);
		Cursor before = adapter.journal().cursor();
		adapter.read(0, 2, Role.VF);
		CompletableFuture<PollOutcome<List<JournalEvent>>> waiting = poll(adapter, before,
				(event) -> event.op() == JournalEvent.Op.WRITE, "10s");
		adapter.journal().clear();
		assertThatThrownBy(() -> poll(adapter, before, (event) -> true, "0"))
			.isInstanceOfSatisfying(AdapterException.class, (ex) -> assertThat(ex.fault()).isEqualTo(Fault.STALE_CURSOR));
		assertThat(Polls.await(poll(adapter, null, (event) -> true, "0"))).isInstanceOf(PollOutcome.TimedOut.class);
		adapter.write(0, 3, new byte[] { 7 }, Role.PF, (version) -> true);
		var delivered = (PollOutcome.Delivered<List<JournalEvent>>) Polls.await(waiting);
		assertThat(delivered.news()).extracting(JournalEvent::blockId).containsExactly(3);
	}

	@Test
	void aRestartShouldEmptyTheJournalAndRemoveEveryFault() {
		VirtualAdapter adapter = adapter(100);
		adapter.read(0, 1, Role.VF);
		adapter.faults().add(new FaultRule(0, FaultRule.On.VF_READ, null, null, FaultRule.Action.RESET_VF, null, null,
				null, null, 1.0));
		adapter.restart();
		assertThat(all(adapter, (event) -> true)).isEmpty();
		assertThat(adapter.faults().list()).isEmpty();
		assertThat(adapter.faults().add(new FaultRule(0, FaultRule.On.VF_READ, null, null, FaultRule.Action.RESET_VF,
				null, null, null, null, 1.0)).id()).isEqualTo(1);
	}

	@Test
	void aRestartShouldAnswerWaitingPollsWithTheEmptyJournalsCursor() throws Exception {
		VirtualAdapter adapter = adapter(100);
		adapter.read(0, 1, Role.VF);
		CompletableFuture<PollOutcome<List<JournalEvent>>> waiting = poll(adapter, null,
				(event) -> event.op() == JournalEvent.Op.WRITE, "30s");
		assertThat(waiting).isNotDone();
		adapter.restart();
		var timedOut = (PollOutcome.TimedOut<List<JournalEvent>>) Polls.await(waiting);
		adapter.write(0, 2, new byte[] { 1 }, Role.VF, (version) -> true);
		var next = (PollOutcome.Delivered<List<JournalEvent>>) Polls.await(poll(adapter, timedOut.cursor(),
				(event) -> true, "0"));
		assertThat(next.news()).extracting(JournalEvent::op).containsExactly(JournalEvent.Op.WRITE);
	}

	@Test
	void lifecycleEventsShouldComeBeforeAnythingOfTheLifeTheyStart() {
		VirtualAdapter adapter = adapter(100);
		adapter.allocate(6);
		adapter.invalidate(6, BlockMask.parse("0x1"));
		adapter.reset(6);
		adapter.write(6, 1, new byte[] { 1 }, Role.PF, (version) -> true);
		adapter.read(6, 1, Role.VF);
		adapter.free(6);
		assertThat(all(adapter, (event) -> true)).extracting(JournalEvent::op).containsExactly(JournalEvent.Op.ALLOCATE,
				JournalEvent.Op.INVALIDATE, JournalEvent.Op.RESET, JournalEvent.Op.WRITE, JournalEvent.Op.READ,
				JournalEvent.Op.FREE);
	}

	@Test
	void aJournalWithNoRetentionShouldRecordNothing() throws Exception {
		VirtualAdapter adapter = adapter(0);
		adapter.read(0, 1, Role.VF);
		adapter.invalidate(0, BlockMask.parse("0x1"));
		assertThat(adapter.journal().on()).isFalse();
		assertThat(Polls.await(poll(adapter, null, (event) -> true, "0"))).isInstanceOf(PollOutcome.TimedOut.class);
	}

	static CompletableFuture<PollOutcome<List<JournalEvent>>> poll(VirtualAdapter adapter, Cursor after,
			Predicate<JournalEvent> filter, String timeout) {
		var outcome = new CompletableFuture<PollOutcome<List<JournalEvent>>>();
		adapter.journal().poll(after, filter, PollTimeout.parse(timeout, adapter.properties().poll()),
				outcome::complete);
		return outcome;
	}

	static List<JournalEvent> all(VirtualAdapter adapter, Predicate<JournalEvent> filter) {
		PollOutcome<List<JournalEvent>> outcome = poll(adapter, null, filter, "0").join();
		return (outcome instanceof PollOutcome.Delivered<List<JournalEvent>> delivered) ? delivered.news() : List.of();
	}

	private VirtualAdapter adapter(int retention) {
		VsriovProperties defaults = VsriovProperties.defaults();
		var properties = new VsriovProperties(8, 4, 64, 128, 1024, defaults.poll(), defaults.http(), BlockSource.STORE,
				defaults.oid(), new VsriovProperties.JournalSettings(retention), defaults.faults()).withMaxParked(1000);
		var adapter = new VirtualAdapter(properties, Clock.systemUTC());
		this.adapters.add(adapter);
		return adapter;
	}

}
