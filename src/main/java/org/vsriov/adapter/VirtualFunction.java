package org.vsriov.adapter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * One life of one VF, from allocation to free or reset: its config blocks, the log of what the VF
 * wrote to them, and its invalidation cache. Block writes, log appends and the end of the life share
 * this object's lock; the log and the cache each have their own lock inside it.
 */
final class VirtualFunction {

	private final int id;

	private final long life;

	private final InvalidationCache invalidations;

	private final WriteLog writes;

	// Guarded by this.
	private final ConfigBlock[] blocks;

	private Fault ended;

	// Guarded by this.
	private BlockSource source;

	private final Journal journal;

	/**
	 * @param blocks the blocks to start with: none written (allocation), or the last life's (reset)
	 * @param source who answers the VF's reads and writes: given at allocation, the last life's after a reset
	 */
	VirtualFunction(int id, long life, ConfigBlock[] blocks, InvalidationCache invalidations, WriteLog writes,
			BlockSource source, Journal journal) {
		this.id = id;
		this.journal = journal;
		this.life = life;
		this.blocks = blocks;
		this.invalidations = invalidations;
		this.writes = writes;
		this.source = source;
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
	 * A read of the block's first {@code length} bytes, journaled under this VF's lock, so that the
	 * journal has it after the write whose version it read.
	 * @return the block, or null if this life has ended: the read belongs to the VF's next life, if any
	 */
	synchronized ConfigBlock read(int blockId, int blockSize, int length, Role reader) {
		if (this.ended != null) {
			return null;
		}
		ConfigBlock block = read(blockId, blockSize);
		if (this.journal.on()) {
			this.journal.record(JournalEvent.transfer(JournalEvent.party(reader), JournalEvent.Op.READ, this.id, blockId,
					length).version(block.version()));
		}
		return block;
	}

	/**
	 * Replaces a block's content if its version passes the precondition; a VF write is also logged,
	 * and the PF's parked block-write polls get it.
	 * @return the block as written, or null if this life has ended: the write belongs to the VF's next
	 *     life, if any
	 * @throws AdapterException {@link Fault#VERSION_MISMATCH} if the precondition fails
	 */
	ConfigBlock write(int blockId, byte[] data, int blockSize, Role writer, LongPredicate ifVersion,
			LongSupplier versions, Instant now) {
		ConfigBlock block;
		List<Runnable> wakeUps = List.of();
		synchronized (this) {
			if (this.ended != null) {
				return null;
			}
			checkVersion(blockId, blockSize, ifVersion);
			// Drawn under the lock, after the check: a refused write uses up no version, and the log's
			// order is the order of the versions.
			block = new ConfigBlock(this.id, blockId, data, blockSize, versions.getAsLong(), writer, now);
			this.blocks[blockId] = block;
			if (this.journal.on()) {
				this.journal.record(JournalEvent.transfer(JournalEvent.party(writer), JournalEvent.Op.WRITE, this.id,
						blockId, data.length).version(block.version()));
			}
			if (writer == Role.VF) {
				wakeUps = this.writes.append(new BlockWrite(blockId, data, block.version(), now));
			}
		}
		wakeUps.forEach(Runnable::run);
		return block;
	}

	/**
	 * Checks a write's precondition against the block's current version.
	 * @throws AdapterException {@link Fault#VERSION_MISMATCH} if it fails
	 */
	synchronized void checkVersion(int blockId, int blockSize, LongPredicate ifVersion) {
		long current = read(blockId, blockSize).version();
		if (!ifVersion.test(current)) {
			throw new AdapterException(Fault.VERSION_MISMATCH,
					"block " + blockId + " of VF " + this.id + " is at version " + current
							+ "; read it again and retry with its ETag",
					Map.of("vfId", this.id, "blockId", blockId, "version", current));
		}
	}

	/**
	 * Logs a write the PF completed (block source pf) for the PF's block-write polls; the blocks
	 * vsriov keeps are not changed. Nothing is logged once this life has ended.
	 */
	void logPfAnswered(int blockId, byte[] data, LongSupplier versions, Instant now) {
		List<Runnable> wakeUps;
		synchronized (this) {
			if (this.ended != null) {
				return;
			}
			wakeUps = this.writes.append(new BlockWrite(blockId, data, versions.getAsLong(), now));
		}
		wakeUps.forEach(Runnable::run);
	}

	synchronized BlockSource source() {
		return this.source;
	}

	/**
	 * Sets who answers the VF's reads and writes from now on.
	 * @return false if this life has ended: the setting belongs to the VF's next life, if any
	 */
	synchronized boolean source(BlockSource source) {
		if (this.ended != null) {
			return false;
		}
		this.source = source;
		return true;
	}

	synchronized boolean hasEnded() {
		return this.ended != null;
	}

	/** How this life ended ({@link Fault#VF_GONE} or {@link Fault#VF_RESET}), or null while it lasts. */
	synchronized Fault endedBy() {
		return this.ended;
	}

	/** Waits for VF writes after the cursor (the PF's block-write poll); see {@link WriteLog#poll}. */
	Waiter<List<BlockWrite>> pollWrites(Cursor after, PollTimeout timeout,
			Consumer<PollOutcome<List<BlockWrite>>> callback) {
		return this.writes.poll(after, timeout, callback);
	}

	Cursor writesCursor() {
		return this.writes.cursor();
	}

	/**
	 * Ends this life, once: a free ({@link Fault#VF_GONE}) or a reset ({@link Fault#VF_RESET}). Under
	 * this VF's lock, which writes take: no write is accepted after it, both streams end (parked polls
	 * get the fault, later polls get it at once, invalidations are refused), and {@code install} puts
	 * the next life, or none, in the VF's slot. A call refused by this life waits for the lock
	 * ({@link #awaitEnd}) and then finds the next life in the slot.
	 * @return how many parked polls ended, or -1 if this life had already ended (another free or
	 *     reset won the race)
	 */
	int end(Fault fault, Runnable install) {
		var completions = new ArrayList<Runnable>();
		synchronized (this) {
			if (this.ended != null) {
				return -1;
			}
			this.ended = fault;
			completions.addAll(this.invalidations.end(fault));
			completions.addAll(this.writes.end(fault));
			install.run();
		}
		completions.forEach(Runnable::run);
		return completions.size();
	}

	/** Returns once an {@link #end} in progress has installed the next life. */
	synchronized void awaitEnd() {
		// Nothing to do: taking the lock is the wait.
	}

	/** The blocks as they are, for the next life after a reset. */
	synchronized ConfigBlock[] blocks() {
		return this.blocks.clone();
	}

	/** Answers every parked poll of both streams as timed out, and parks no more: the service is stopping. */
	void release() {
		this.invalidations.release().forEach(Runnable::run);
		this.writes.release().forEach(Runnable::run);
	}

	/**
	 * Checks that a cursor belongs to this VF's stream, and to this life.
	 * @throws AdapterException {@link Fault#INVALID_CURSOR} for another VF or stream,
	 * {@link Fault#STALE_CURSOR} for an earlier life
	 */
	Cursor check(Cursor cursor, Cursor.Stream stream) {
		if (cursor.vfId() != this.id || cursor.stream() != stream) {
			throw new AdapterException(Fault.INVALID_CURSOR,
					"cursor belongs to " + cursor.describe() + ", not to this poll",
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
		synchronized (this) {
			for (ConfigBlock block : this.blocks) {
				if (block != null) {
					written.add(new VfState.WrittenBlock(block.blockId(), block.version(), block.updatedBy()));
				}
			}
		}
		return this.invalidations.state(written, this.writes.size(), this.writes.waiters(), source());
	}

}
