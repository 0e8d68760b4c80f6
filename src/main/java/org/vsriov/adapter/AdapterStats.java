package org.vsriov.adapter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/** Running counts of what the adapter did, for metrics. Cheap to update from any thread. */
public final class AdapterStats {

	private final LongAdder invalidations = new LongAdder();

	private final LongAdder deliveries = new LongAdder();

	private final LongAdder[] blockReads = { new LongAdder(), new LongAdder() };

	private final LongAdder[] blockWrites = { new LongAdder(), new LongAdder() };

	private final AtomicInteger parkedPolls = new AtomicInteger();

	private final LongAdder refusedPolls = new LongAdder();

	private final AtomicInteger allocatedVfs = new AtomicInteger();

	private final LongAdder allocations = new LongAdder();

	private final LongAdder frees = new LongAdder();

	private final LongAdder resets = new LongAdder();

	private final AtomicInteger pendingOidRequests = new AtomicInteger();

	private final LongAdder oidRequests = new LongAdder();

	private final LongAdder oidFailures = new LongAdder();

	private final LongAdder oidTimeouts = new LongAdder();

	private volatile LongConsumer oidCompletionNanos = (nanos) -> {
	};

	/** Invalidation requests accepted for one VF (a broadcast counts once per VF). */
	public long invalidations() {
		return this.invalidations.sum();
	}

	/** Invalidation masks handed to VF polls. */
	public long deliveries() {
		return this.deliveries.sum();
	}

	public long blockReads(Role role) {
		return this.blockReads[role.ordinal()].sum();
	}

	public long blockWrites(Role role) {
		return this.blockWrites[role.ordinal()].sum();
	}

	/** Polls parked right now, on every VF. */
	public int parkedPolls() {
		return this.parkedPolls.get();
	}

	/** Polls refused because the adapter-wide bound on parked polls was reached. */
	public long refusedPolls() {
		return this.refusedPolls.sum();
	}

	/** VFs allocated right now. */
	public int allocatedVfs() {
		return this.allocatedVfs.get();
	}

	/** OID_NIC_SWITCH_ALLOCATE_VF requests that allocated a VF (not the VFs allocated at start). */
	public long allocations() {
		return this.allocations.sum();
	}

	/** OID_NIC_SWITCH_FREE_VF requests that freed a VF. */
	public long frees() {
		return this.frees.sum();
	}

	/** OID_SRIOV_RESET_VF requests that reset a VF. */
	public long resets() {
		return this.resets.sum();
	}

	/** OID requests (VF reads and writes of block source pf) waiting for the PF right now. */
	public int pendingOidRequests() {
		return this.pendingOidRequests.get();
	}

	/** OID requests made. */
	public long oidRequests() {
		return this.oidRequests.sum();
	}

	/** OID requests the PF completed with a status other than success. */
	public long oidFailures() {
		return this.oidFailures.sum();
	}

	/** OID requests the PF did not complete in time. */
	public long oidTimeouts() {
		return this.oidTimeouts.sum();
	}

	/** Where the time from a request to the PF's completion goes, in nanoseconds (a histogram). */
	public void onOidCompletion(LongConsumer nanos) {
		this.oidCompletionNanos = nanos;
	}

	void oidRequested() {
		this.oidRequests.increment();
		this.pendingOidRequests.incrementAndGet();
	}

	void oidEnded() {
		this.pendingOidRequests.decrementAndGet();
	}

	void oidCompleted(long nanos, boolean success) {
		if (!success) {
			this.oidFailures.increment();
		}
		this.oidCompletionNanos.accept(nanos);
	}

	void oidTimedOut() {
		this.oidTimeouts.increment();
	}

	void started(int vfs) {
		this.allocatedVfs.addAndGet(vfs);
	}

	void allocated() {
		this.allocations.increment();
		this.allocatedVfs.incrementAndGet();
	}

	void freed() {
		this.frees.increment();
		this.allocatedVfs.decrementAndGet();
	}

	void reset() {
		this.resets.increment();
	}

	void invalidated() {
		this.invalidations.increment();
	}

	void delivered() {
		this.deliveries.increment();
	}

	void read(Role role) {
		this.blockReads[role.ordinal()].increment();
	}

	void wrote(Role role) {
		this.blockWrites[role.ordinal()].increment();
	}

	void parked(int delta) {
		this.parkedPolls.addAndGet(delta);
	}

	/**
	 * Counts one more parked poll if fewer than {@code bound} are parked; else counts a refusal. The
	 * count is the bound itself, so polls parking on many VFs at once never overshoot it.
	 * @return whether the poll may park
	 */
	boolean parkWithin(int bound) {
		int parked;
		do {
			parked = this.parkedPolls.get();
			if (parked >= bound) {
				this.refusedPolls.increment();
				return false;
			}
		}
		while (!this.parkedPolls.compareAndSet(parked, parked + 1));
		return true;
	}

}
