package org.vsriov.adapter;

import java.time.Instant;

/**
 * One VF write to a config block (OID_SRIOV_WRITE_VF_CONFIG_BLOCK), as kept in the VF's write log.
 *
 * @param blockId the block written
 * @param data the bytes written
 * @param version the block's version after this write
 * @param at when the write happened
 */
public record BlockWrite(int blockId, byte[] data, long version, Instant at) {

	public BlockWrite {
		data = data.clone();
	}

	@Override
	public byte[] data() {
		return this.data.clone();
	}

	public int length() {
		return this.data.length;
	}

}
