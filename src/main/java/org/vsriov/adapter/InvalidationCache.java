package org.vsriov.adapter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The OR-merged invalidation cache of one VF life and the polls waiting on it: what happens when the
 * PF invalidates (NdisMInvalidateConfigBlock) and when the VF's IOCTL_VPCI_INVALIDATE_BLOCK asks.
 *
 * <p>Every invalidation gets the next position; for each block the cache keeps the position that last
 * set it. The bits after a cursor are then the blocks set after that position: invalidations coalesce
 * by OR, a repeated cursor gets the same bits again plus newer ones, and the state is 64 longs no
 * matter how long the VF does not poll. {@code pendingMask} is the bits after the acknowledged position.
 */
final class InvalidationCache {

	private final int vfId;

	private final long life;

	private final AdapterStats stats;

	private final Journal journal;

	// Guarded by this.
	private final long[] lastSet = new long[BlockMask.WIDTH];

	private long position;

	private long acknowledged;

	private final WaitingPolls<BlockMask> waiting;

	InvalidationCache(int vfId, long life, VsriovProperties.Poll limits, ScheduledExecutorService timer,
			AdapterStats stats, Journal journal) {
		this.vfId = vfId;
		this.journal = journal;
		this.life = life;
		this.stats = stats;
		this.waiting = new WaitingPolls<>(this, vfId, limits, timer, stats, (after) -> cursor());
	}

	/**
	 * ORs the mask in and wakes every parked poll.
	 * @return the pending mask after, or null if this life has ended: the invalidation belongs to the
	 *     VF's next life, if any
	 */
	BlockMask invalidate(BlockMask mask) {
		List<Runnable> wakeUps;
		BlockMask pending;
		synchronized (this) {
			if (this.waiting.ended() != null) {
				return null;
			}
			this.position++;
			for (int block : mask.blocks()) {
				this.lastSet[block] = this.position;
			}
			if (this.journal.on()) {
				// Under the lock, before the polls it wakes are answered: the journal has an invalidation
				// before its deliveries.
				this.journal.record(JournalEvent.of(JournalEvent.Party.PF, JournalEvent.Op.INVALIDATE, this.vfId)
					.mask(mask).cursor(cursor()));
			}
			// Every parked poll waits beyond a position older than this one, so each has news now.
			wakeUps = this.waiting.drain(this::deliver);
			pending = new BlockMask(bitsAfter(this.acknowledged));
			this.stats.invalidated();
		}
		wakeUps.forEach(Runnable::run);
		return pending;
	}

	/**
	 * Answers a poll at once when there is news after its cursor, else parks it. With a cursor, the
	 * poll first acknowledges everything up to it; without one (the plain IOCTL) it takes the pending
	 * mask and acknowledges it on delivery.
	 * A poll that would wait is refused at the bound on parked polls over all VFs, and after
	 * {@link #release()} (the service is stopping), having changed nothing;
	 * after {@link #end} (free or reset) it is answered with the fault, acknowledging nothing.
	 * @param after a cursor of this VF life and stream (checked by the caller), or null
	 */
	Waiter<BlockMask> poll(Cursor after, PollTimeout timeout, Consumer<PollOutcome<BlockMask>> callback) {
		PollOutcome<BlockMask> outcome = null;
		Waiter<BlockMask> parked = null;
		var superseded = new ArrayList<Runnable>(); // no array until a poll is superseded
		synchronized (this) {
			Fault ended = this.waiting.ended();
			if (ended != null) {
				outcome = new PollOutcome.Ended<>(ended, this.vfId);
			}
			else {
				if (after != null && after.position() > this.position) {
					throw new AdapterException(Fault.INVALID_CURSOR, "cursor is ahead of VF " + this.vfId,
							Map.of("vfId", this.vfId, "cursor", after.encode()));
				}
				long news = bitsAfter((after != null) ? after.position() : this.acknowledged);
				if (news == 0) {
					// Parked under the same lock that invalidate() takes: no invalidation can slip in
					// between the check above and the park, so no wake-up is lost.
					parked = this.waiting.park(this.position, after == null, timeout, callback, superseded);
				}
				if (after != null) {
					this.acknowledged = Math.max(this.acknowledged, after.position());
				}
				if (parked == null) {
					outcome = (news != 0) ? deliverNow(news, after == null) : new PollOutcome.TimedOut<>(cursor());
				}
			}
		}
		superseded.forEach(Runnable::run);
		return (parked != null) ? parked : Waiter.answered(callback, outcome);
	}

	/**
	 * Ends every parked poll as timed out and keeps new ones from parking: the service is stopping.
	 * Done under the lock that poll() parks under, so no poll can park after this.
	 * @return the completions, to run outside every lock
	 */
	synchronized List<Runnable> release() {
		return this.waiting.release();
	}

	/**
	 * Ends this life's invalidation stream (free or reset): parked polls end with the fault, later ones
	 * get it at once, and invalidations are refused so that they find the next life.
	 * @return the completions, to run outside every lock
	 */
	synchronized List<Runnable> end(Fault fault) {
		return this.waiting.end(fault);
	}

	/** The VF's state, the cache's part read in one go so that mask, cursor and waiters agree. */
	synchronized VfState state(List<VfState.WrittenBlock> writtenBlocks, int writeLogSize, int writeWaiters,
			BlockSource blockSource) {
		return new VfState(this.vfId, new BlockMask(bitsAfter(this.acknowledged)), cursor(), this.waiting.size(),
				writtenBlocks, writeLogSize, writeWaiters, blockSource);
	}

	synchronized Cursor cursor() {
		return new Cursor(Cursor.Stream.INVALIDATIONS, this.vfId, this.life, this.position);
	}

	private PollOutcome<BlockMask> deliver(Waiter<BlockMask> waiter) {
		return deliverNow(bitsAfter(waiter.after()), waiter.acknowledges());
	}

	private PollOutcome<BlockMask> deliverNow(long bits, boolean acknowledge) {
		if (acknowledge) {
			this.acknowledged = this.position;
		}
		this.stats.delivered();
		return new PollOutcome.Delivered<>(new BlockMask(bits), cursor());
	}

	private long bitsAfter(long from) {
		long bits = 0;
		for (int block = 0; block < BlockMask.WIDTH; block++) {
			if (this.lastSet[block] > from) {
				bits |= 1L << block;
			}
		}
		return bits;
	}

}
