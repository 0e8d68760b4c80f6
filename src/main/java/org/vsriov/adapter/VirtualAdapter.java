package org.vsriov.adapter;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The virtual SR-IOV adapter: one PF and its VFs, as the virtualization stack sees them. Checks ids
 * and sizes, then hands each call to the VF it concerns; everything it refuses, it refuses before
 * changing anything.
 *
 * <p>Each VF id has a slot holding the VF's current life, or null when it is not allocated. A slot
 * changes only by allocation (null to a life) or under the lock of the life it holds, as that life
 * ends ({@link VirtualFunction#end}). A call that reaches a life that has just ended looks in the
 * slot again, and so lands in the next life or answers 404: it never counts in a life that is gone.
 */
public class VirtualAdapter implements AutoCloseable {

	private static final Logger LOG = LoggerFactory.getLogger(VirtualAdapter.class);

	private final VsriovProperties properties;

	private final Clock clock;

	private final AdapterStats stats = new AdapterStats();

	private final AtomicReferenceArray<VirtualFunction> vfs;

	// One version sequence for every block of every VF, so an ETag is never reused while the service runs.
	private final AtomicLong versions = new AtomicLong();

	private final SecureRandom lives = new SecureRandom();

	private final ScheduledThreadPoolExecutor timer;

	private volatile boolean closed;

	public VirtualAdapter(VsriovProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
		this.vfs = new AtomicReferenceArray<>(properties.totalVfs());
		this.timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			var thread = new Thread(task, "vsriov-poll-timeouts");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.setRemoveOnCancelPolicy(true);
		for (int id = 0; id < properties.initialVfs(); id++) {
			this.vfs.set(id, newLife(id, null));
		}
		this.stats.started(properties.initialVfs());
	}

	public VsriovProperties properties() {
		return this.properties;
	}

	public AdapterStats stats() {
		return this.stats;
	}

	/**
	 * NdisMInvalidateConfigBlock: ORs the mask into the VF's cache and completes its waiting polls.
	 * @return the VF's pending mask after the merge
	 */
	public BlockMask invalidate(int vfId, BlockMask mask) {
		checkInvalidatable(mask);
		BlockMask pending;
		do {
			pending = vf(vfId).invalidations().invalidate(mask);
		}
		while (pending == null);
		return pending;
	}

	/** Invalidates every allocated VF (the VF index 0xFFFF form), in VF id order. */
	public List<VfState> invalidateAll(BlockMask mask) {
		checkInvalidatable(mask);
		var states = new ArrayList<VfState>();
		for (VirtualFunction vf : allocated()) {
			// A life that ended meanwhile passes the invalidation on to the next one, if any.
			while (vf != null && vf.invalidations().invalidate(mask) == null) {
				vf = this.vfs.get(vf.id());
			}
			if (vf != null) {
				states.add(vf.state());
			}
		}
		return states;
	}

	/**
	 * Waits for invalidations of a VF (IOCTL_VPCI_INVALIDATE_BLOCK); the callback gets the outcome,
	 * at once or later on another thread.
	 * @param after the cursor of the VF's last answer, or null for the plain IOCTL
	 */
	public Waiter<BlockMask> pollInvalidations(int vfId, String after, PollTimeout timeout,
			Consumer<PollOutcome<BlockMask>> callback) {
		VirtualFunction vf = vf(vfId);
		Cursor cursor = (after != null) ? vf.check(Cursor.parse(after), Cursor.Stream.INVALIDATIONS) : null;
		return vf.invalidations().poll(cursor, timeout, callback);
	}

	/** NdisMReadConfigBlock (VF) or the PF's own look: the block's first {@code length} bytes. */
	public ConfigBlock read(int vfId, int blockId, Role reader) {
		VirtualFunction vf = vf(vfId);
		checkBlock(vfId, blockId);
		ConfigBlock block = vf.read(blockId, this.properties.blockSize());
		this.stats.read(reader);
		return block;
	}

	/**
	 * Checks a read length: 1..blockSize.
	 * @throws AdapterException {@link Fault#INVALID_LENGTH} otherwise
	 */
	public int checkLength(int length) {
		if (length < 1 || length > this.properties.blockSize()) {
			throw new AdapterException(Fault.INVALID_LENGTH,
					"length must be 1 to " + this.properties.blockSize() + " bytes", Map.of("length", length));
		}
		return length;
	}

	/**
	 * NdisMWriteConfigBlock (VF) or the PF setting its data: replaces the block's content with 1..blockSize
	 * bytes, if {@code ifVersion} accepts the block's current version.
	 */
	public ConfigBlock write(int vfId, int blockId, byte[] data, Role writer, LongPredicate ifVersion) {
		VirtualFunction vf = vf(vfId);
		checkBlock(vfId, blockId);
		if (data.length == 0) {
			throw new AdapterException(Fault.INVALID_BLOCK_DATA, "block data must hold at least 1 byte",
					Map.of("vfId", vfId, "blockId", blockId, "length", 0));
		}
		if (data.length > this.properties.blockSize()) {
			throw new AdapterException(Fault.BLOCK_DATA_TOO_LARGE,
					"block data holds " + data.length + " bytes; a block holds at most "
							+ this.properties.blockSize(),
					Map.of("vfId", vfId, "blockId", blockId, "length", data.length));
		}
		ConfigBlock block;
		while ((block = vf.write(blockId, data, this.properties.blockSize(), writer, ifVersion,
				this.versions::incrementAndGet, this.clock.instant())) == null) {
			vf = vf(vfId);
		}
		this.stats.wrote(writer);
		return block;
	}

	/**
	 * The PF's wait for VF writes (OID_SRIOV_WRITE_VF_CONFIG_BLOCK requests): the callback gets every
	 * write after the cursor, oldest first, at once or when the next one comes.
	 * @param after the cursor of the PF's last answer, or null for every write still retained
	 */
	public Waiter<List<BlockWrite>> pollBlockWrites(int vfId, String after, PollTimeout timeout,
			Consumer<PollOutcome<List<BlockWrite>>> callback) {
		VirtualFunction vf = vf(vfId);
		Cursor cursor = (after != null) ? vf.check(Cursor.parse(after), Cursor.Stream.BLOCK_WRITES) : null;
		return vf.pollWrites(cursor, timeout, callback);
	}

	/** The position after the VF's newest write. */
	public Cursor blockWritesCursor(int vfId) {
		return vf(vfId).writesCursor();
	}

	/**
	 * OID_NIC_SWITCH_ALLOCATE_VF: starts a VF's life with zeroed blocks, an empty log and no pending bits.
	 * @param vfId the VF to allocate, or null for the lowest free one
	 * @throws AdapterException {@link Fault#VF_ALLOCATED} if it is allocated already,
	 *     {@link Fault#NO_FREE_VF} if every VF is
	 */
	public VfState allocate(Integer vfId) {
		if (vfId != null) {
			checkVfId(vfId);
			VfState state = tryAllocate(vfId);
			if (state == null) {
				throw new AdapterException(Fault.VF_ALLOCATED, "VF " + vfId + " is allocated already; free it first",
						Map.of("vfId", vfId));
			}
			return state;
		}
		for (int id = 0; id < this.vfs.length(); id++) {
			VfState state = (this.vfs.get(id) == null) ? tryAllocate(id) : null;
			if (state != null) {
				return state;
			}
		}
		throw new AdapterException(Fault.NO_FREE_VF,
				"all " + this.vfs.length() + " VFs are allocated (vsriov.total-vfs); free one first", Map.of());
	}

	/**
	 * OID_NIC_SWITCH_FREE_VF: ends the VF's life. Its parked polls end with {@link Fault#VF_GONE}, and
	 * it is not found until it is allocated again.
	 */
	public void free(int vfId) {
		int ended;
		do {
			VirtualFunction life = vf(vfId);
			ended = life.end(Fault.VF_GONE, (blocks) -> install(vfId, life, null));
		}
		while (ended < 0);
		this.stats.freed();
		LOG.info("VF {} freed; {} parked poll(s) answered 410 vf-gone", vfId, ended);
	}

	/**
	 * OID_SRIOV_RESET_VF, a function-level reset: the VF starts a new life with the same block contents
	 * but no pending bits and an empty write log, so every earlier cursor is stale. Its parked polls end
	 * with {@link Fault#VF_RESET}.
	 */
	public void reset(int vfId) {
		int ended;
		do {
			VirtualFunction life = vf(vfId);
			ended = life.end(Fault.VF_RESET, (blocks) -> install(vfId, life, newLife(vfId, blocks)));
		}
		while (ended < 0);
		this.stats.reset();
		LOG.info("VF {} reset; {} parked poll(s) answered 410 vf-reset", vfId, ended);
	}

	public VfState state(int vfId) {
		return vf(vfId).state();
	}

	/** Every allocated VF, in id order. */
	public List<VfState> states() {
		return allocated().stream().map(VirtualFunction::state).toList();
	}

	/**
	 * Answers every parked poll (as a timeout) and keeps new ones from parking: the service is
	 * stopping. Once every VF is released no poll can park, so no timeout is scheduled after the
	 * timer stops.
	 */
	@Override
	public void close() {
		// Set before the VFs are released: a life installed meanwhile either is among them or sees the flag.
		this.closed = true;
		allocated().forEach(VirtualFunction::release);
		this.timer.shutdownNow();
	}

	private List<VirtualFunction> allocated() {
		var allocated = new ArrayList<VirtualFunction>();
		for (int id = 0; id < this.vfs.length(); id++) {
			VirtualFunction vf = this.vfs.get(id);
			if (vf != null) {
				allocated.add(vf);
			}
		}
		return allocated;
	}

	/**
	 * Puts a life in a VF's slot if the slot still holds {@code expected}. Frees and resets call this
	 * under the lock of the expected life, and allocation expects an empty slot, so only a racing
	 * allocation can find the slot changed.
	 */
	private boolean install(int id, VirtualFunction expected, VirtualFunction next) {
		if (!this.vfs.compareAndSet(id, expected, next)) {
			return false;
		}
		if (next != null && this.closed) {
			next.release();
		}
		return true;
	}

	/** Allocates a VF if its slot is empty; returns the new life's state, or null if it was not. */
	private VfState tryAllocate(int vfId) {
		VirtualFunction life = newLife(vfId, null);
		if (!install(vfId, null, life)) {
			return null;
		}
		this.stats.allocated();
		LOG.info("VF {} allocated", vfId);
		return life.state();
	}

	/** A new life of a VF, starting with the given blocks or, if null, none written. */
	private VirtualFunction newLife(int id, ConfigBlock[] blocks) {
		long life = this.lives.nextLong();
		int maxWaiters = this.properties.poll().maxWaitersPerVf();
		var cache = new InvalidationCache(id, life, maxWaiters, this.timer, this.stats);
		var writes = new WriteLog(id, life, this.properties.writeLogRetention(), maxWaiters, this.timer, this.stats);
		return new VirtualFunction(id, life, (blocks != null) ? blocks : new ConfigBlock[this.properties.blockCount()],
				cache, writes);
	}

	private void checkVfId(int vfId) {
		if (vfId < 0 || vfId >= this.vfs.length()) {
			throw new AdapterException(Fault.INVALID_VF_ID,
					"vfId must be 0 to " + (this.vfs.length() - 1) + " (vsriov.total-vfs is " + this.vfs.length() + ")",
					Map.of("vfId", vfId));
		}
	}

	private VirtualFunction vf(int vfId) {
		checkVfId(vfId);
		VirtualFunction vf = this.vfs.get(vfId);
		if (vf == null) {
			throw new AdapterException(Fault.VF_NOT_FOUND, "VF " + vfId + " is not allocated", Map.of("vfId", vfId));
		}
		return vf;
	}

	private void checkBlock(int vfId, int blockId) {
		if (blockId < 0) {
			throw new AdapterException(Fault.INVALID_BLOCK_ID, "blockId must not be negative",
					Map.of("vfId", vfId, "blockId", blockId));
		}
		if (blockId >= this.properties.blockCount()) {
			throw new AdapterException(Fault.BLOCK_NOT_FOUND, "block " + blockId + " is not defined; blocks are 0 to "
					+ (this.properties.blockCount() - 1), Map.of("vfId", vfId, "blockId", blockId));
		}
	}

	private void checkInvalidatable(BlockMask mask) {
		int highest = mask.highestBlock();
		if (highest >= this.properties.blockCount()) {
			throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blockMask names block " + highest
					+ ", but blocks are 0 to " + (this.properties.blockCount() - 1) + " (vsriov.block-count)",
					Map.of("blockMask", mask.toHex()));
		}
	}

}
