package org.vsriov.adapter;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.vsriov.adapter.Polls.await;
import static org.vsriov.adapter.Polls.delivered;
import static org.vsriov.adapter.Polls.poll;
import static org.vsriov.adapter.Polls.pollWrites;
import static org.vsriov.adapter.Polls.startCursor;
import static org.vsriov.adapter.Polls.writes;

class VfLifecycleTest {

	private final VirtualAdapter adapter = new VirtualAdapter(
			new VsriovProperties(8, 4, 64, 128, 1024, VsriovProperties.Poll.defaults(), VsriovProperties.Http.defaults(),
				BlockSource.STORE, VsriovProperties.Oid.defaults(),
				VsriovProperties.JournalSettings.defaults(), VsriovProperties.FaultSettings.defaults()), Clock.systemUTC());

	@AfterEach
	void close() {
		this.adapter.close();
	}

	@Test
	void allocateWithoutIdShouldTakeTheLowestFreeVf() {
		this.adapter.free(1);
		assertThat(this.adapter.allocate(null).vfId()).isEqualTo(1);
		assertThat(this.adapter.allocate(null).vfId()).isEqualTo(4);
		assertThat(this.adapter.states()).extracting(VfState::vfId).containsExactly(0, 1, 2, 3, 4);
	}

	@Test
	void allocateShouldRefuseAnAllocatedVfAnIdOutOfRangeAndAFullAdapter() {
		assertFault(Fault.VF_ALLOCATED, () -> this.adapter.allocate(2));
		assertFault(Fault.INVALID_VF_ID, () -> this.adapter.allocate(8));
		assertFault(Fault.INVALID_VF_ID, () -> this.adapter.allocate(-1));
		for (int id = 4; id < 8; id++) {
			this.adapter.allocate(id);
		}
		assertFault(Fault.NO_FREE_VF, () -> this.adapter.allocate(null));
		assertThat(this.adapter.states()).hasSize(8);
	}

	@Test
	void freeShouldEndParkedPollsOfBothStreamsWithVfGoneAtOnce() throws Exception {
		var invalidations = poll(this.adapter, 0, startCursor(this.adapter, 0), "5m");
		var plain = poll(this.adapter, 0, null, "5m");
		var writes = pollWrites(this.adapter, 0, null, "5m");
		this.adapter.free(0);
		for (var outcome : List.of(await(invalidations), await(plain), await(writes))) {
			assertThat(outcome).isEqualTo(new PollOutcome.Ended<>(Fault.VF_GONE, 0));
		}
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void freedVfShouldNotBeFoundOnAnyPathUntilAllocatedAgain() {
		this.adapter.free(3);
		List<Executable> calls = List.of(() -> this.adapter.state(3), () -> this.adapter.read(3, 0, Role.VF),
				() -> this.adapter.write(3, 0, new byte[] { 1 }, Role.PF, (version) -> true),
				() -> this.adapter.invalidate(3, BlockMask.parse("0x1")), () -> poll(this.adapter, 3, null, "0"),
				() -> pollWrites(this.adapter, 3, null, "0"), () -> this.adapter.free(3), () -> this.adapter.reset(3));
		for (Executable call : calls) {
			assertFault(Fault.VF_NOT_FOUND, call);
		}
		assertThat(this.adapter.invalidateAll(BlockMask.parse("0x1")).keySet()).containsExactly(0, 1, 2);
	}

	@Test
	void reallocatedVfShouldStartWithZeroedBlocksNoBitsAnEmptyLogAndRefuseOldCursors() {
		this.adapter.write(2, 5, new byte[] { 1, 2 }, Role.PF, (version) -> true);
		this.adapter.write(2, 6, new byte[] { 3 }, Role.VF, (version) -> true);
		String oldInvalidations = startCursor(this.adapter, 2);
		String oldWrites = writes(pollWrites(this.adapter, 2, null, "0")).cursor().encode();
		this.adapter.invalidate(2, BlockMask.parse("0x60"));

		this.adapter.free(2);
		VfState fresh = this.adapter.allocate(2);

		assertThat(fresh.pendingMask()).isEqualTo(BlockMask.NONE);
		assertThat(fresh.writtenBlocks()).isEmpty();
		assertThat(fresh.writeLogSize()).isZero();
		ConfigBlock block = this.adapter.read(2, 5, Role.VF);
		assertThat(block.version()).isZero();
		assertThat(block.bytes()).containsOnly(0);
		assertThat(poll(this.adapter, 2, null, "0").join()).isInstanceOf(PollOutcome.TimedOut.class);
		assertFault(Fault.STALE_CURSOR, () -> poll(this.adapter, 2, oldInvalidations, "0"));
		assertFault(Fault.STALE_CURSOR, () -> pollWrites(this.adapter, 2, oldWrites, "0"));
	}

	@Test
	void resetShouldEndParkedPollsWithVfResetAndStartANewLifeThatKeepsTheBlocks() throws Exception {
		this.adapter.write(1, 5, new byte[] { 7, 7 }, Role.PF, (version) -> true);
		this.adapter.write(1, 6, new byte[] { 8 }, Role.VF, (version) -> true);
		this.adapter.invalidate(2, BlockMask.parse("0x1"));
		String oldInvalidations = startCursor(this.adapter, 1);
		String oldWrites = writes(pollWrites(this.adapter, 1, null, "0")).cursor().encode();
		var parked = poll(this.adapter, 1, oldInvalidations, "5m");
		var parkedPlain = poll(this.adapter, 1, null, "5m");
		var parkedWrites = pollWrites(this.adapter, 1, oldWrites, "5m");

		this.adapter.reset(1);

		for (var outcome : List.of(await(parked), await(parkedPlain), await(parkedWrites))) {
			assertThat(outcome).isEqualTo(new PollOutcome.Ended<>(Fault.VF_RESET, 1));
		}
		VfState state = this.adapter.state(1);
		assertThat(state.writtenBlocks()).extracting(VfState.WrittenBlock::blockId).containsExactly(5, 6);
		assertThat(this.adapter.read(1, 5, Role.VF).data()).containsExactly(7, 7);
		assertThat(Cursor.parse(state.cursor().encode()).life()).isNotEqualTo(Cursor.parse(oldInvalidations).life());
		assertFault(Fault.STALE_CURSOR, () -> poll(this.adapter, 1, oldInvalidations, "0"));
		assertFault(Fault.STALE_CURSOR, () -> pollWrites(this.adapter, 1, oldWrites, "0"));
		// Another VF keeps its bits.
		assertThat(this.adapter.state(2).pendingMask()).isEqualTo(BlockMask.parse("0x1"));
	}

	@Test
	void resetShouldDiscardPendingBitsAndTheWriteLogButNewOnesShouldFlow() throws Exception {
		this.adapter.invalidate(0, BlockMask.parse("0xff"));
		this.adapter.write(0, 1, new byte[] { 1 }, Role.VF, (version) -> true);
		this.adapter.reset(0);
		assertThat(poll(this.adapter, 0, null, "0").join()).isInstanceOf(PollOutcome.TimedOut.class);
		assertThat(pollWrites(this.adapter, 0, null, "0").join()).isInstanceOf(PollOutcome.TimedOut.class);

		var parked = poll(this.adapter, 0, startCursor(this.adapter, 0), "5m");
		var parkedWrites = pollWrites(this.adapter, 0, null, "5m");
		this.adapter.invalidate(0, BlockMask.parse("0x2"));
		this.adapter.write(0, 1, new byte[] { 2 }, Role.VF, (version) -> true);
		assertThat(delivered(await(parked)).news()).isEqualTo(BlockMask.parse("0x2"));
		assertThat(((PollOutcome.Delivered<List<BlockWrite>>) await(parkedWrites)).news()).hasSize(1);
	}

	@Test
	void closeShouldAnswerParkedPollsOfBothKindsAsTimedOutWithTheirCursor() throws Exception {
		var invalidations = poll(this.adapter, 3, null, "5m");
		var writes = pollWrites(this.adapter, 3, null, "5m");
		this.adapter.close();
		assertThat(await(invalidations)).isEqualTo(new PollOutcome.TimedOut<>(this.adapter.state(3).cursor()));
		assertThat(await(writes)).isEqualTo(new PollOutcome.TimedOut<>(this.adapter.blockWritesCursor(3)));
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void vfAllocatedAfterCloseShouldNotParkPolls() {
		this.adapter.close();
		this.adapter.allocate(6);
		this.adapter.reset(0);
		for (int vfId : List.of(6, 0)) {
			assertFault(Fault.SERVICE_STOPPING, () -> poll(this.adapter, vfId, null, "5m"));
			assertFault(Fault.SERVICE_STOPPING, () -> pollWrites(this.adapter, vfId, null, "5m"));
		}
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	@Test
	void callsThatReachALifeAfterItEndedShouldBeAnsweredWithTheFaultOrPassedOnNeverParked() {
		// What a poll, invalidation or write sees when it looked the VF up just before a reset ended it.
		var stats = new AdapterStats();
		var timer = Executors.newSingleThreadScheduledExecutor();
		try {
			var journal = new Journal(0, 1, Clock.systemUTC(), timer);
			var cache = new InvalidationCache(5, 1, VsriovProperties.Poll.defaults(), timer, stats, journal);
			var log = new WriteLog(5, 1, 16, VsriovProperties.Poll.defaults(), timer, stats);
			var vf = new VirtualFunction(5, 1, new ConfigBlock[64], cache, log, BlockSource.STORE, journal);
			assertThat(vf.end(Fault.VF_RESET, () -> { })).isZero();
			assertThat(vf.end(Fault.VF_GONE, () -> { })).as("a second end").isNegative();

			var timeout = PollTimeout.parse("5m", VsriovProperties.Poll.defaults());
			var outcome = new CompletableFuture<PollOutcome<BlockMask>>();
			cache.poll(null, timeout, outcome::complete);
			assertThat(outcome).isCompletedWithValue(new PollOutcome.Ended<>(Fault.VF_RESET, 5));
			var writes = new CompletableFuture<PollOutcome<List<BlockWrite>>>();
			vf.pollWrites(null, timeout, writes::complete);
			assertThat(writes).isCompletedWithValue(new PollOutcome.Ended<>(Fault.VF_RESET, 5));
			assertThat(cache.invalidate(BlockMask.parse("0x1"))).as("invalidation passed on").isNull();
			assertThat(vf.write(0, new byte[] { 1 }, 128, Role.VF, (version) -> true, () -> 1, Instant.now()))
				.as("write passed on")
				.isNull();
			assertThat(vf.read(0, 128, 128, Role.VF)).as("read passed on").isNull();
			assertThat(stats.parkedPolls()).isZero();
		}
		finally {
			timer.shutdownNow();
		}
	}

	private static void assertFault(Fault fault, Executable call) {
		assertThatExceptionOfType(AdapterException.class).isThrownBy(call::execute)
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(fault));
	}

}
