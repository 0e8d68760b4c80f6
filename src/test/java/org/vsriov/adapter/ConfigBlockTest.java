package org.vsriov.adapter;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vsriov.adapter.InvalidationPollTest.assertFault;

class ConfigBlockTest {

	private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

	private final VirtualAdapter adapter = new VirtualAdapter(
			new VsriovProperties(8, 2, 64, 128, 3, VsriovProperties.Poll.defaults(), VsriovProperties.Http.defaults(),
				BlockSource.STORE, VsriovProperties.Oid.defaults(),
				VsriovProperties.JournalSettings.defaults(), VsriovProperties.FaultSettings.defaults()), Clock.fixed(NOW, ZoneOffset.UTC));

	@AfterEach
	void close() {
		this.adapter.close();
	}

	@Test
	void blockNeverWrittenShouldReadAsBlockSizeZeros() {
		ConfigBlock block = this.adapter.read(0, 7, Role.VF);
		assertThat(block.bytes()).hasSize(128).containsOnly(0);
		assertThat(block.version()).isZero();
		assertThat(block.updatedBy()).isNull();
	}

	@Test
	void writeShouldReplaceTheContentAndZeroTheRest() {
		this.adapter.write(0, 5, new byte[] { 1, 2, 3, 4 }, Role.PF, (v) -> true);
		ConfigBlock block = this.adapter.write(0, 5, new byte[] { 9, 8 }, Role.VF, (v) -> true);
		assertThat(block.bytes(5)).containsExactly(9, 8, 0, 0, 0);
		assertThat(this.adapter.read(0, 5, Role.PF).bytes()).hasSize(128).startsWith(9, 8, 0, 0);
		assertThat(block.updatedBy()).isEqualTo(Role.VF);
		assertThat(block.updatedAt()).isEqualTo(NOW);
	}

	@Test
	void everyWriteShouldGetANewVersion() {
		long first = this.adapter.write(0, 1, new byte[] { 1 }, Role.PF, (v) -> true).version();
		long second = this.adapter.write(0, 1, new byte[] { 1 }, Role.PF, (v) -> true).version();
		long other = this.adapter.write(1, 1, new byte[] { 1 }, Role.PF, (v) -> true).version();
		assertThat(first).isPositive();
		assertThat(second).isGreaterThan(first);
		assertThat(other).isNotIn(first, second);
	}

	@Test
	void writeWhosePreconditionFailsShouldChangeNothing() {
		ConfigBlock written = this.adapter.write(0, 2, new byte[] { 1 }, Role.PF, (v) -> true);
		assertFault(() -> this.adapter.write(0, 2, new byte[] { 2 }, Role.VF, (v) -> v == written.version() - 1),
				Fault.VERSION_MISMATCH);
		assertThat(this.adapter.read(0, 2, Role.PF)).isEqualTo(written);
		assertThat(this.adapter.state(0).writeLogSize()).isZero();
		ConfigBlock next = this.adapter.write(0, 2, new byte[] { 2 }, Role.VF, (v) -> v == written.version());
		assertThat(next.bytes(1)).containsExactly(2);
	}

	@Test
	void emptyOrOversizedDataShouldBeRefusedAndChangeNothing() {
		assertFault(() -> this.adapter.write(0, 3, new byte[0], Role.VF, (v) -> true), Fault.INVALID_BLOCK_DATA);
		assertFault(() -> this.adapter.write(0, 3, new byte[129], Role.VF, (v) -> true), Fault.BLOCK_DATA_TOO_LARGE);
		assertThat(this.adapter.read(0, 3, Role.PF).version()).isZero();
		assertThat(this.adapter.state(0).writeLogSize()).isZero();
		assertThat(this.adapter.write(0, 3, new byte[128], Role.VF, (v) -> true).version()).isPositive();
	}

	@Test
	void blockIdsShouldBeCheckedAgainstBlockCount() {
		assertFault(() -> this.adapter.read(0, 64, Role.VF), Fault.BLOCK_NOT_FOUND);
		assertFault(() -> this.adapter.read(0, -1, Role.VF), Fault.INVALID_BLOCK_ID);
		assertFault(() -> this.adapter.write(0, 64, new byte[1], Role.VF, (v) -> true), Fault.BLOCK_NOT_FOUND);
		assertFault(() -> this.adapter.read(2, 0, Role.VF), Fault.VF_NOT_FOUND);
	}

	@Test
	void readLengthShouldBeOneToBlockSize() {
		assertThat(this.adapter.checkLength(1)).isEqualTo(1);
		assertThat(this.adapter.checkLength(128)).isEqualTo(128);
		assertFault(() -> this.adapter.checkLength(0), Fault.INVALID_LENGTH);
		assertFault(() -> this.adapter.checkLength(129), Fault.INVALID_LENGTH);
	}

	@Test
	void vfWritesShouldBeLoggedUpToTheRetentionAndPfWritesNot() {
		this.adapter.write(0, 0, new byte[] { 1 }, Role.PF, (v) -> true);
		assertThat(this.adapter.state(0).writeLogSize()).isZero();
		for (int chunk = 0; chunk < 2; chunk++) {
			this.adapter.write(0, 9, new byte[] { (byte) chunk }, Role.VF, (v) -> true);
		}
		assertThat(this.adapter.state(0).writeLogSize()).isEqualTo(2);
		for (int chunk = 0; chunk < 5; chunk++) {
			this.adapter.write(0, 9, new byte[] { (byte) chunk }, Role.VF, (v) -> true);
		}
		assertThat(this.adapter.state(0).writeLogSize()).isEqualTo(3);
		assertThat(this.adapter.state(0).writtenBlocks()).extracting(VfState.WrittenBlock::blockId).containsExactly(0, 9);
	}

	@Test
	void dataHandedInOrOutShouldNotBeShared() {
		byte[] data = { 1, 2 };
		ConfigBlock block = this.adapter.write(0, 4, data, Role.PF, (v) -> true);
		data[0] = 7;
		block.data()[1] = 7;
		assertThat(this.adapter.read(0, 4, Role.VF).bytes(2)).containsExactly(1, 2);
	}

}
