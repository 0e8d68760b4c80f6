package org.vsriov.adapter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The VF's block writes of one life (OID_SRIOV_WRITE_VF_CONFIG_BLOCK requests), in order, and the PF
 * polls waiting on them. The newest {@code retention} writes are kept, so that a record streamed as
 * several writes to one block reaches the PF whole as long as the PF keeps up. Reading never consumes.
 *
 * <p>Write number n (from 1) is at position n; a cursor at position p asks for the writes after p.
 */
final class WriteLog {

	private final int vfId;

	private final long life;

	private final int retention;

	// Guarded by this. Grows to retention as writes come: most VFs write little, and 10,000 VFs with a
	// full ring each would hold 40 MB of empty slots.
	private BlockWrite[] ring = new BlockWrite[0];

	private long appended;

	private final WaitingPolls<List<BlockWrite>> waiting;

	WriteLog(int vfId, long life, int retention, VsriovProperties.Poll limits, ScheduledExecutorService timer,
			AdapterStats stats) {
		this.vfId = vfId;
		this.life = life;
		this.retention = retention;
		this.waiting = new WaitingPolls<>(this, vfId, limits, timer, stats, (after) -> cursor());
	}

	/**
	 * Appends a write and hands it to every parked poll. The caller holds the VF's lock, so the log's
	 * order is the order of the block versions.
	 * @return the completions, to run outside every lock
	 */
	synchronized List<Runnable> append(BlockWrite write) {
		if (this.appended == this.ring.length && this.ring.length < this.retention) {
			this.ring = Arrays.copyOf(this.ring, Math.min(this.retention, Math.max(8, this.ring.length * 2)));
		}
		this.ring[slot(this.appended)] = write;
		this.appended++;
		// Every parked poll waits beyond an older position, so each has news now, still retained.
		return this.waiting.drain((waiter) -> new PollOutcome.Delivered<>(after(waiter.after()), cursor()));
	}

	/**
	 * Answers at once with the writes after the cursor (without one: every retained write), else parks
	 * until the next write.
	 * @param after a cursor of this VF life and stream (checked by the caller), or null
	 * @throws AdapterException {@link Fault#STALE_CURSOR} if writes after the cursor are no longer
	 *     retained, {@link Fault#INVALID_CURSOR} if the cursor is ahead of the log,
	 *     {@link Fault#TOO_MANY_POLLS} or {@link Fault#SERVICE_STOPPING} if it would wait and may not
	 */
	Waiter<List<BlockWrite>> poll(Cursor after, PollTimeout timeout, Consumer<PollOutcome<List<BlockWrite>>> callback) {
		PollOutcome<List<BlockWrite>> outcome = null;
		Waiter<List<BlockWrite>> parked = null;
		var superseded = new ArrayList<Runnable>(); // no array until a poll is superseded
		synchronized (this) {
			Fault ended = this.waiting.ended();
			if (ended != null) {
				outcome = new PollOutcome.Ended<>(ended, this.vfId);
			}
			else {
				long oldest = this.appended - retained();
				long from = (after != null) ? after.position() : oldest;
				if (from > this.appended) {
					throw new AdapterException(Fault.INVALID_CURSOR, "cursor is ahead of the block-write log of VF "
							+ this.vfId, Map.of("vfId", this.vfId, "cursor", after.encode()));
				}
				if (from < oldest) {
					throw new AdapterException(Fault.STALE_CURSOR, "the block-write log of VF " + this.vfId
							+ " keeps the " + this.retention + " newest writes, and " + (oldest - from)
							+ " write(s) after this cursor are gone; re-read the blocks and poll again without a cursor",
							Map.of("vfId", this.vfId, "cursor", after.encode()));
				}
				if (from < this.appended) {
					outcome = new PollOutcome.Delivered<>(after(from), cursor());
				}
				else {
					// Parked under the lock append() takes: no write slips in between the check and the park.
					parked = this.waiting.park(from, false, timeout, callback, superseded);
					if (parked == null) {
						outcome = new PollOutcome.TimedOut<>(cursor());
					}
				}
			}
		}
		superseded.forEach(Runnable::run);
		return (parked != null) ? parked : Waiter.answered(callback, outcome);
	}

	/** Writes still retained. */
	synchronized int size() {
		return retained();
	}

	/** Parked polls. */
	synchronized int waiters() {
		return this.waiting.size();
	}

	synchronized Cursor cursor() {
		return new Cursor(Cursor.Stream.BLOCK_WRITES, this.vfId, this.life, this.appended);
	}

	/** Answers every parked poll as timed out and parks no more: the service is stopping. */
	synchronized List<Runnable> release() {
		return this.waiting.release();
	}

	/** Ends this life's log (free or reset): parked and later polls get the fault. */
	synchronized List<Runnable> end(Fault fault) {
		return this.waiting.end(fault);
	}

	private int retained() {
		return (int) Math.min(this.appended, this.retention);
	}

	// Before the ring wraps, write n sits at index n; it has grown to the full retention by then.
	private int slot(long position) {
		return (int) (position % this.retention);
	}

	private List<BlockWrite> after(long position) {
		var writes = new ArrayList<BlockWrite>((int) (this.appended - position));
		for (long n = position; n < this.appended; n++) {
			writes.add(this.ring[slot(n)]);
		}
		return writes;
	}

}
