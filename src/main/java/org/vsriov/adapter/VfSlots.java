package org.vsriov.adapter;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which life each VF id is in: the slot of a VF id holds its current life, or null while it is not
 * allocated. Allocation (OID_NIC_SWITCH_ALLOCATE_VF), free (OID_NIC_SWITCH_FREE_VF) and reset
 * (OID_SRIOV_RESET_VF) change the slots.
 *
 * <p>A slot changes only by allocation (null to a new life) or under the lock of the life it holds,
 * as that life ends ({@link VirtualFunction#end}), which installs the next life (or none) before it
 * lets go of the lock. A call that reaches a life that has just ended therefore finds the next one in
 * the slot once that lock is free: it lands in the next life or answers 404, never in a life that is
 * gone.
 */
final class VfSlots {

	private static final Logger LOG = LoggerFactory.getLogger(VfSlots.class);

	private final VsriovProperties properties;

	private final ScheduledExecutorService timer;

	private final AdapterStats stats;

	private final AtomicReferenceArray<VirtualFunction> slots;

	// Every life gets a random id, so that a cursor of an earlier life, of this run or another, is told apart.
	private final SecureRandom lives = new SecureRandom();

	// Told of every life that a free or reset ended, after it has ended.
	private final BiConsumer<VirtualFunction, Fault> onEnd;

	private volatile boolean closed;

	private final Journal journal;

	// Allocations, frees and resets share it; a restart of the whole adapter has it to itself, so that
	// none of them lands in the middle and the adapter is as it started when the restart returns.
	private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();

	VfSlots(VsriovProperties properties, ScheduledExecutorService timer, AdapterStats stats, Journal journal,
			BiConsumer<VirtualFunction, Fault> onEnd) {
		this.properties = properties;
		this.journal = journal;
		this.timer = timer;
		this.stats = stats;
		this.onEnd = onEnd;
		this.slots = new AtomicReferenceArray<>(properties.totalVfs());
		for (int id = 0; id < properties.initialVfs(); id++) {
			this.slots.set(id, newLife(id, new ConfigBlock[properties.blockCount()], properties.blockSource()));
		}
		stats.started(properties.initialVfs());
	}

	/**
	 * The current life of an allocated VF.
	 * @throws AdapterException {@link Fault#INVALID_VF_ID} outside 0..totalVfs-1,
	 *     {@link Fault#VF_NOT_FOUND} if the VF is not allocated
	 */
	VirtualFunction get(int vfId) {
		check(vfId);
		VirtualFunction vf = this.slots.get(vfId);
		if (vf == null) {
			throw new AdapterException(Fault.VF_NOT_FOUND, "VF " + vfId + " is not allocated", Map.of("vfId", vfId));
		}
		return vf;
	}

	/** The current life of a VF id in range, or null if it is not allocated. */
	VirtualFunction current(int vfId) {
		return this.slots.get(vfId);
	}

	/** Every allocated VF's current life, in id order. */
	List<VirtualFunction> allocated() {
		var allocated = new ArrayList<VirtualFunction>();
		for (int id = 0; id < this.slots.length(); id++) {
			VirtualFunction vf = this.slots.get(id);
			if (vf != null) {
				allocated.add(vf);
			}
		}
		return allocated;
	}

	/**
	 * Allocates a VF: a new life with no block written, an empty log and no pending bits.
	 * @param vfId the VF to allocate, or null for the lowest free one
	 * @param source who answers its reads and writes
	 * @throws AdapterException {@link Fault#VF_ALLOCATED} if it is allocated already,
	 *     {@link Fault#NO_FREE_VF} if every VF is
	 */
	VirtualFunction allocate(Integer vfId, BlockSource source) {
		VirtualFunction life;
		this.lifecycle.readLock().lock();
		try {
			life = allocateUnderLock(vfId, source);
		}
		finally {
			this.lifecycle.readLock().unlock();
		}
		LOG.info("VF {} allocated", life.id());
		return life;
	}

	private VirtualFunction allocateUnderLock(Integer vfId, BlockSource source) {
		if (vfId != null) {
			check(vfId);
			VirtualFunction life = tryAllocate(vfId, source, true);
			if (life == null) {
				throw new AdapterException(Fault.VF_ALLOCATED, "VF " + vfId + " is allocated already; free it first",
						Map.of("vfId", vfId));
			}
			return life;
		}
		for (int id = 0; id < this.slots.length(); id++) {
			VirtualFunction life = (this.slots.get(id) == null) ? tryAllocate(id, source, true) : null;
			if (life != null) {
				return life;
			}
		}
		throw new AdapterException(Fault.NO_FREE_VF,
				"all " + this.slots.length() + " VFs are allocated (vsriov.total-vfs); free one first", Map.of());
	}

	/** Ends the VF's life and leaves its slot empty; its parked polls end with {@link Fault#VF_GONE}. */
	void free(int vfId) {
		int ended = freeLife(vfId);
		LOG.info("VF {} freed; {} parked poll(s) answered 410 vf-gone", vfId, ended);
	}

	/** @return how many parked polls ended */
	private int freeLife(int vfId) {
		int ended = end(vfId, Fault.VF_GONE, (life) -> null);
		this.stats.freed();
		return ended;
	}

	/**
	 * Ends the VF's life and starts the next with the same blocks; its parked polls end with
	 * {@link Fault#VF_RESET}.
	 */
	void reset(int vfId) {
		int ended = end(vfId, Fault.VF_RESET, (life) -> newLife(vfId, life.blocks(), life.source()));
		this.stats.reset();
		LOG.info("VF {} reset; {} parked poll(s) answered 410 vf-reset", vfId, ended);
	}

	/**
	 * Puts the VFs back as the service started them: frees every allocated VF (its parked polls end
	 * with {@link Fault#VF_GONE}), then allocates VFs 0..initialVfs-1 with zeroed blocks and the
	 * configured block source. No allocation, free or reset happens meanwhile: they wait for it.
	 * @param between runs once the VFs are freed and before the initial ones are allocated again
	 *     (which the journal does not record: a fresh server's journal has none)
	 */
	void restart(Runnable between) {
		int freed = 0;
		int ended = 0;
		this.lifecycle.writeLock().lock();
		try {
			for (int id = 0; id < this.slots.length(); id++) {
				if (this.slots.get(id) != null) {
					ended += freeLife(id);
					freed++;
				}
			}
			between.run();
			for (int id = 0; id < this.properties.initialVfs(); id++) {
				tryAllocate(id, this.properties.blockSource(), false);
			}
		}
		finally {
			this.lifecycle.writeLock().unlock();
		}
		LOG.info("Adapter back as it started: {} VF(s) freed, {} parked poll(s) answered 410 vf-gone, {} VF(s) "
				+ "allocated", freed, ended, this.properties.initialVfs());
	}

	/** Releases every life, and every life installed from now on: the service is stopping. */
	void close() {
		// Set before the lives are listed: a life installed meanwhile either is listed or sees the flag.
		this.closed = true;
		allocated().forEach(VirtualFunction::release);
	}

	/**
	 * Ends the VF's current life with the fault and installs {@code next} of it (or none), retrying if
	 * another free or reset ended that life first.
	 * @return how many parked polls ended
	 */
	private int end(int vfId, Fault fault, UnaryOperator<VirtualFunction> next) {
		this.lifecycle.readLock().lock();
		try {
			int ended;
			VirtualFunction life;
			do {
				life = get(vfId);
				VirtualFunction ending = life;
				ended = ending.end(fault, () -> {
					// Under the ending life's lock, before the next life is reachable: the journal has the
					// free or reset before anything of the next life.
					record((fault == Fault.VF_RESET) ? JournalEvent.Op.RESET : JournalEvent.Op.FREE, vfId);
					install(vfId, ending, next.apply(ending));
				});
			}
			while (ended < 0);
			this.onEnd.accept(life, fault);
			return ended;
		}
		finally {
			this.lifecycle.readLock().unlock();
		}
	}

	/**
	 * @param record whether the journal records the allocation: under the new life's locks, so that
	 *     nothing of that life can be recorded before it
	 */
	private VirtualFunction tryAllocate(int vfId, BlockSource source, boolean record) {
		VirtualFunction life = newLife(vfId, new ConfigBlock[this.properties.blockCount()], source);
		synchronized (life) {
			synchronized (life.invalidations()) {
				if (!install(vfId, null, life)) {
					return null;
				}
				if (record) {
					record(JournalEvent.Op.ALLOCATE, vfId);
				}
			}
		}
		this.stats.allocated();
		return life;
	}

	private void record(JournalEvent.Op op, int vfId) {
		if (this.journal.on()) {
			this.journal.record(JournalEvent.of(JournalEvent.Party.PF, op, vfId));
		}
	}

	/**
	 * Puts a life in a slot if the slot still holds {@code expected}. Frees and resets call this under
	 * the lock of the expected life, so only a racing allocation can find a slot changed.
	 */
	private boolean install(int id, VirtualFunction expected, VirtualFunction next) {
		if (!this.slots.compareAndSet(id, expected, next)) {
			return false;
		}
		if (next != null && this.closed) {
			next.release();
		}
		return true;
	}

	private VirtualFunction newLife(int id, ConfigBlock[] blocks, BlockSource source) {
		long life = this.lives.nextLong();
		VsriovProperties.Poll limits = this.properties.poll();
		var cache = new InvalidationCache(id, life, limits, this.timer, this.stats, this.journal);
		var writes = new WriteLog(id, life, this.properties.writeLogRetention(), limits, this.timer, this.stats);
		return new VirtualFunction(id, life, blocks, cache, writes, source, this.journal);
	}

	private void check(int vfId) {
		if (vfId < 0 || vfId >= this.slots.length()) {
			throw new AdapterException(Fault.INVALID_VF_ID,
					"vfId must be 0 to " + (this.slots.length() - 1) + " (vsriov.total-vfs is " + this.slots.length()
							+ ")",
					Map.of("vfId", vfId));
		}
	}

}
