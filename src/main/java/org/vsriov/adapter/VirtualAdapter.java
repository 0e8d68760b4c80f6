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

/**
 * The virtual SR-IOV adapter: one PF and its VFs, as the virtualization stack sees them. Checks ids
 * and sizes, then hands each call to the VF it concerns; everything it refuses, it refuses before
 * changing anything.
 */
public class VirtualAdapter implements AutoCloseable {

	private final VsriovProperties properties;

	private final Clock clock;

	private final AdapterStats stats = new AdapterStats();

	private final AtomicReferenceArray<VirtualFunction> vfs;

	// One version sequence for every block of every VF, so an ETag is never reused while the service runs.
	private final AtomicLong versions = new AtomicLong();

	private final SecureRandom lives = new SecureRandom();

	private final ScheduledThreadPoolExecutor timer;

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
			this.vfs.set(id, newLife(id));
		}
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
		return vf(vfId).invalidations().invalidate(mask);
	}

	/** Invalidates every allocated VF (the VF index 0xFFFF form), in VF id order. */
	public List<VfState> invalidateAll(BlockMask mask) {
		checkInvalidatable(mask);
		var states = new ArrayList<VfState>();
		for (VirtualFunction vf : allocated()) {
			vf.invalidations().invalidate(mask);
			states.add(vf.state());
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
		ConfigBlock block = vf.write(blockId, data, this.properties.blockSize(), writer, ifVersion,
				this.versions::incrementAndGet, this.clock.instant());
		this.stats.wrote(writer);
		return block;
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
		allocated().forEach((vf) -> vf.invalidations().release());
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

	private VirtualFunction newLife(int id) {
		long life = this.lives.nextLong();
		var cache = new InvalidationCache(id, life, this.properties.poll().maxWaitersPerVf(), this.timer, this.stats);
		return new VirtualFunction(id, life, this.properties.blockCount(), this.properties.writeLogRetention(),
				cache);
	}

	private VirtualFunction vf(int vfId) {
		if (vfId < 0 || vfId >= this.vfs.length()) {
			throw new AdapterException(Fault.INVALID_VF_ID,
					"vfId must be 0 to " + (this.vfs.length() - 1) + " (vsriov.total-vfs is " + this.vfs.length() + ")",
					Map.of("vfId", vfId));
		}
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
