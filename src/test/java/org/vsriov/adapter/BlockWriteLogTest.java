package org.vsriov.adapter;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.vsriov.adapter.Polls.await;
import static org.vsriov.adapter.Polls.pollWrites;
import static org.vsriov.adapter.Polls.writes;

class BlockWriteLogTest {

	private static final int RETENTION = 4;

	private final VirtualAdapter adapter = new VirtualAdapter(
			new VsriovProperties(64, 4, 64, 128, RETENTION, VsriovProperties.Poll.defaults(), VsriovProperties.Http.defaults(),
				BlockSource.STORE, VsriovProperties.Oid.defaults(),
				VsriovProperties.JournalSettings.defaults(), VsriovProperties.FaultSettings.defaults()), Clock.systemUTC());

	@AfterEach
	void close() {
		this.adapter.close();
	}

	@Test
	void pollWithoutCursorShouldReturnEveryRetainedVfWriteOldestFirstAndNotConsumeThem() {
		vfWrite(3, 0x0a, 0x0b);
		this.adapter.write(0, 4, new byte[] { 1 }, Role.PF, (version) -> true);
		vfWrite(3, 0x0c);
		for (int i = 0; i < 2; i++) {
			List<BlockWrite> writes = writes(pollWrites(this.adapter, 0, null, "0")).news();
			assertThat(writes).extracting(BlockWrite::blockId).containsExactly(3, 3);
			assertThat(writes.get(0).data()).containsExactly(0x0a, 0x0b);
			assertThat(writes.get(1).data()).containsExactly(0x0c);
			assertThat(writes.get(0).version()).isLessThan(writes.get(1).version());
		}
	}

	@Test
	void pollWithCursorShouldReturnOnlyLaterWritesAndRepeatTheSameForARepeatedCursor() {
		vfWrite(1, 1);
		String cursor = writes(pollWrites(this.adapter, 0, null, "0")).cursor().encode();
		vfWrite(2, 2);
		vfWrite(2, 3);
		for (int i = 0; i < 2; i++) {
			var delivered = writes(pollWrites(this.adapter, 0, cursor, "0"));
			assertThat(delivered.news()).extracting(BlockWrite::length).containsExactly(1, 1);
			assertThat(delivered.news().get(1).data()).containsExactly(3);
			assertThat(pollWrites(this.adapter, 0, delivered.cursor().encode(), "0").join())
				.isInstanceOf(PollOutcome.TimedOut.class);
		}
	}

	@Test
	void parkedPollShouldWakeOnAVfWriteButNotOnAPfWrite() throws Exception {
		var parked = pollWrites(this.adapter, 0, null, "30s");
		assertThat(this.adapter.state(0).writeWaiters()).isEqualTo(1);
		this.adapter.write(0, 7, new byte[] { 9 }, Role.PF, (version) -> true);
		assertThat(parked).isNotDone();
		vfWrite(7, 5, 6);
		List<BlockWrite> writes = ((PollOutcome.Delivered<List<BlockWrite>>) await(parked)).news();
		assertThat(writes).singleElement().satisfies((write) -> {
			assertThat(write.blockId()).isEqualTo(7);
			assertThat(write.data()).containsExactly(5, 6);
		});
		assertThat(this.adapter.state(0).writeWaiters()).isZero();
	}

	@Test
	void emptyLogShouldTimeOutWithTheCursorOfItsEnd() {
		var outcome = pollWrites(this.adapter, 0, null, "0").join();
		assertThat(outcome).isInstanceOf(PollOutcome.TimedOut.class);
		assertThat(((PollOutcome.TimedOut<List<BlockWrite>>) outcome).cursor().position()).isZero();
	}

	@Test
	void recordStreamedAsSeveralWritesToOneBlockShouldArriveWholeWhileThePfKeepsUp() {
		String cursor = cursorOfEnd();
		for (int chunk = 0; chunk < RETENTION; chunk++) {
			vfWrite(10, chunk, chunk, chunk);
		}
		List<BlockWrite> writes = writes(pollWrites(this.adapter, 0, cursor, "0")).news();
		assertThat(writes).extracting((write) -> write.data()[0]).containsExactly((byte) 0, (byte) 1, (byte) 2, (byte) 3);
	}

	@Test
	void cursorOlderThanTheRetainedLogShouldBeStaleAndAPfThatRereadsShouldRecover() {
		String cursor = cursorOfEnd();
		for (int i = 0; i <= RETENTION; i++) {
			vfWrite(1, i);
		}
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> pollWrites(this.adapter, 0, cursor, "0"))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.STALE_CURSOR));
		// The PF re-reads the blocks it cares about, then follows what the log still has.
		assertThat(this.adapter.read(0, 1, Role.PF).data()).containsExactly(RETENTION);
		var recovered = writes(pollWrites(this.adapter, 0, null, "0"));
		assertThat(recovered.news()).hasSize(RETENTION);
		vfWrite(1, 42);
		assertThat(writes(pollWrites(this.adapter, 0, recovered.cursor().encode(), "0")).news())
			.singleElement().satisfies((write) -> assertThat(write.data()).containsExactly(42));
	}

	@Test
	void cursorOfTheOldestRetainedWriteShouldStillBeServed() {
		String cursor = cursorOfEnd();
		for (int i = 0; i < RETENTION; i++) {
			vfWrite(1, i);
		}
		assertThat(writes(pollWrites(this.adapter, 0, cursor, "0")).news()).hasSize(RETENTION);
	}

	@Test
	void logThatGrowsToItsRetentionAndWrapsShouldKeepTheNewestWritesInOrder() {
		// The ring starts empty and grows (8, 16, then the retention of 20) before it wraps.
		try (var roomy = new VirtualAdapter(new VsriovProperties(4, 1, 64, 128, 20, VsriovProperties.Poll.defaults(), VsriovProperties.Http.defaults(),
				BlockSource.STORE, VsriovProperties.Oid.defaults(),
				VsriovProperties.JournalSettings.defaults(), VsriovProperties.FaultSettings.defaults()),
				Clock.systemUTC())) {
			String cursor = ((PollOutcome.TimedOut<?>) pollWrites(roomy, 0, null, "0").join()).cursor().encode();
			for (int i = 1; i <= 45; i++) {
				roomy.write(0, 1, new byte[] { (byte) i }, Role.VF, (version) -> true);
				if (i == 17) {
					var first = writes(pollWrites(roomy, 0, cursor, "0")).news();
					assertThat(first).extracting((write) -> (int) write.data()[0]).containsExactly(
							1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
				}
			}
			var kept = writes(pollWrites(roomy, 0, null, "0")).news();
			assertThat(kept).extracting((write) -> (int) write.data()[0])
				.containsExactlyElementsOf(IntStream.rangeClosed(26, 45).boxed().toList());
		}
	}

	@Test
	void cursorOfAnotherStreamOrVfOrAheadOfTheLogShouldBeInvalid() {
		String invalidations = Polls.startCursor(this.adapter, 0);
		String otherVf = writes(pollWritesAfterOneWrite(1)).cursor().encode();
		String ahead = new Cursor(Cursor.Stream.BLOCK_WRITES, 0,
				Cursor.parse(cursorOfEnd()).life(), 5).encode();
		for (String cursor : List.of(invalidations, otherVf, ahead)) {
			assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> pollWrites(this.adapter, 0, cursor, "0"))
				.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_CURSOR));
		}
	}

	private CompletableFuture<PollOutcome<List<BlockWrite>>> pollWritesAfterOneWrite(int vfId) {
		this.adapter.write(vfId, 0, new byte[] { 1 }, Role.VF, (version) -> true);
		return pollWrites(this.adapter, vfId, null, "0");
	}

	private String cursorOfEnd() {
		return this.adapter.blockWritesCursor(0).encode();
	}

	private void vfWrite(int blockId, int... bytes) {
		byte[] data = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			data[i] = (byte) bytes[i];
		}
		this.adapter.write(0, blockId, data, Role.VF, (version) -> true);
	}

}
