package org.vsriov.adapter;

import java.time.Instant;
import java.util.Arrays;

/**
 * One config block as last written: the written bytes (the rest of the block reads as zeros), its
 * version, and who wrote it when. A block never written has version 0 and no writer. Immutable: the
 * data array is copied in and never handed out.
 *
 * @param vfId the VF the block belongs to
 * @param blockId the IHV-defined block id
 * @param data the bytes last written, 0..blockSize of them
 * @param blockSize how many bytes a full read returns
 * @param version 0 if never written, else unique to this write within the running service
 * @param updatedBy who wrote it, or null if never written
 * @param updatedAt when, or null if never written
 */
public record ConfigBlock(int vfId, int blockId, byte[] data, int blockSize, long version, Role updatedBy,
		Instant updatedAt) {

	public ConfigBlock {
		data = data.clone();
	}

	static ConfigBlock neverWritten(int vfId, int blockId, int blockSize) {
		return new ConfigBlock(vfId, blockId, new byte[0], blockSize, 0, null, null);
	}

	/** The whole block: the data, then zeros up to blockSize. */
	public byte[] bytes() {
		return bytes(this.blockSize);
	}

	/** The first {@code length} bytes of the block (no offset exists in the protocol). */
	public byte[] bytes(int length) {
		return Arrays.copyOf(this.data, length);
	}

	@Override
	public byte[] data() {
		return this.data.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ConfigBlock that && this.vfId == that.vfId && this.blockId == that.blockId
				&& this.version == that.version && Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.version) * 31 + this.blockId;
	}

	@Override
	public String toString() {
		return "ConfigBlock[vf " + this.vfId + " block " + this.blockId + " version " + this.version + "]";
	}

}
