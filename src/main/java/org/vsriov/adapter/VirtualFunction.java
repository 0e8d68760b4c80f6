package org.vsriov.adapter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * One life of one VF, from allocation to free or reset: its config blocks, the log of what the VF
 * wrote to them, and its invalidation cache. Block writes and log appends share this object's lock.
 */
final class VirtualFunction {

	private final int id;

	private final long life;

	private final InvalidationCache invalidations;

	// Guarded by this.
	private final ConfigBlock[] blocks;

	private final WriteLog writes;

	VirtualFunction(int id, long life, int blockCount, int writeLogRetention, InvalidationCache invalidations) {
		this.id = id;
		this.life = life;
		this.invalidations = invalidations;
		this.blocks = new ConfigBlock[blockCount];
		this.writes = new WriteLog(writeLogRetention);
	}

	int id() {
		return this.id;
	}

	InvalidationCache invalidations() {
		return this.invalidations;
	}

	synchronized ConfigBlock read(int blockId, int blockSize) {
		ConfigBlock block = this.blocks[blockId];
		return (block != null) ? block : ConfigBlock.neverWritten(this.id, blockId, blockSize);
	}

	/**
	 * Replaces a block's content if its version passes the precondition; a VF write is also logged.
	 * @throws AdapterException {@link Fault#VERSION_MISMATCH} if the precondition fails
	 */
	synchronized ConfigBlock write(int blockId, byte[] data, int blockSize, Role writer, LongPredicate ifVersion,
			LongSupplier versions, Instant now) {
		long current = read(blockId, blockSize).version();
		if (!ifVersion.test(current)) {
			throw new AdapterException(Fault.VERSION_MISMATCH,
					"block " + blockId + " of VF " + this.id + " is at version " + current
							+ "; read it again and retry with its ETag",
					Map.of("vfId", this.id, "blockId", blockId, "version", current));
		}
		// Drawn under the lock, after the check: a refused write uses up no version, and the log's order
		// is the order of the versions.
		var block = new ConfigBlock(this.id, blockId, data, blockSize, versions.getAsLong(), writer, now);
		this.blocks[blockId] = block;
		if (writer == Role.VF) {
			this.writes.append(new BlockWrite(blockId, data, block.version(), now));
		}
		return block;
	}

	/**
	 * Checks that a cursor belongs to this VF's stream, and to this life.
	 * @throws AdapterException {@link Fault#INVALID_CURSOR} for another VF or stream,
	 * {@link Fault#STALE_CURSOR} for an earlier life
	 */
	Cursor check(Cursor cursor, Cursor.Stream stream) {
		if (cursor.vfId() != this.id || cursor.stream() != stream) {
			throw new AdapterException(Fault.INVALID_CURSOR,
					"cursor belongs to " + cursor.stream().name().toLowerCase().replace('_', '-') + " of VF "
							+ cursor.vfId() + ", not to this poll",
					Map.of("vfId", this.id, "cursor", cursor.encode()));
		}
		if (cursor.life() != this.life) {
			throw new AdapterException(Fault.STALE_CURSOR, "cursor is from an earlier life of VF " + this.id
					+ " (before a free, a reset or a restart); re-read every block and poll without a cursor",
					Map.of("vfId", this.id, "cursor", cursor.encode()));
		}
		return cursor;
	}

	VfState state() {
		List<VfState.WrittenBlock> written = new ArrayList<>();
		int logged;
		synchronized (this) {
			for (ConfigBlock block : this.blocks) {
				if (block != null) {
					written.add(new VfState.WrittenBlock(block.blockId(), block.version(), block.updatedBy()));
				}
			}
			logged = this.writes.size();
		}
		return this.invalidations.state(written, logged);
	}

}
