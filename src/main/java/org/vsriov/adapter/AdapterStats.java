package org.vsriov.adapter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Running counts of what the adapter did, for metrics. Cheap to update from any thread. */
public final class AdapterStats {

	private final LongAdder invalidations = new LongAdder();

	private final LongAdder deliveries = new LongAdder();

	private final LongAdder[] blockReads = { new LongAdder(), new LongAdder() };

	private final LongAdder[] blockWrites = { new LongAdder(), new LongAdder() };

	private final AtomicInteger parkedPolls = new AtomicInteger();

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

}
