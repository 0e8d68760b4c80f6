package org.vsriov.adapter;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * The virtual SR-IOV adapter: one PF and its VFs, as the virtualization stack sees them. Checks ids
 * and sizes, then hands each call to the VF it concerns; everything it refuses, it refuses before
 * changing anything. Which life each VF is in, and allocate, free and reset, are {@link VfSlots}'
 * part: a call that reaches a life that has just ended is passed on to the next one.
 */
public class VirtualAdapter implements AutoCloseable {

	private final VsriovProperties properties;

	private final Clock clock;

	private final AdapterStats stats = new AdapterStats();

	private final VfSlots vfs;

	// One version sequence for every block of every VF, so an ETag is never reused while the service runs.
	private final AtomicLong versions = new AtomicLong();

	private final ScheduledThreadPoolExecutor timer;

	private final OidRequests oids;

	public VirtualAdapter(VsriovProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
		this.timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			var thread = new Thread(task, "vsriov-poll-timeouts");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.setRemoveOnCancelPolicy(true);
		this.oids = new OidRequests(new SecureRandom().nextLong(), properties, this.timer, this.stats, clock,
				(life, request) -> life.logPfAnswered(request.blockId(), request.data(), this.versions::incrementAndGet,
						clock.instant()));
		this.vfs = new VfSlots(properties, this.timer, this.stats, this.oids::endLife);
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
			// Null if freed meanwhile: vf() then answers 404, unless the VF was allocated again.
			pending = invalidateCurrentLife(vf(vfId), mask);
		}
		while (pending == null);
		return pending;
	}

	/**
	 * Invalidates every allocated VF (the VF index 0xFFFF form), in VF id order.
	 * @return each VF's pending mask after the merge, by VF id in ascending order
	 */
	public Map<Integer, BlockMask> invalidateAll(BlockMask mask) {
		checkInvalidatable(mask);
		var pending = new LinkedHashMap<Integer, BlockMask>();
		for (VirtualFunction vf : this.vfs.allocated()) {
			BlockMask after = invalidateCurrentLife(vf, mask);
			if (after != null) {
				pending.put(vf.id(), after);
			}
		}
		return pending;
	}

	/**
	 * Invalidates a VF in the life it is in: a life that ended meanwhile passes the invalidation on
	 * to the next one (its end installs that before it lets go of its lock).
	 * @return the pending mask after the merge, or null if the VF has no next life
	 */
	private BlockMask invalidateCurrentLife(VirtualFunction life, BlockMask mask) {
		VirtualFunction vf = life;
		BlockMask pending;
		while ((pending = vf.invalidations().invalidate(mask)) == null) {
			vf.awaitEnd();
			vf = this.vfs.current(vf.id());
			if (vf == null) {
				return null;
			}
		}
		return pending;
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
		checkData(vfId, blockId, data);
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
		return allocate(vfId, null);
	}

	/**
	 * OID_NIC_SWITCH_ALLOCATE_VF, with who answers the VF's reads and writes.
	 * @param source the block source, or null for the configured default ({@code vsriov.block-source})
	 * @see #allocate(Integer)
	 */
	public VfState allocate(Integer vfId, BlockSource source) {
		return this.vfs.allocate(vfId, (source != null) ? source : this.properties.blockSource()).state();
	}

	/** Who answers a VF's reads and writes. */
	public BlockSource blockSource(int vfId) {
		return vf(vfId).source();
	}

	/**
	 * Sets who answers a VF's reads and writes from now on; requests already made to the PF stay
	 * pending until they end. A reset keeps the setting, a free forgets it.
	 */
	public void blockSource(int vfId, BlockSource source) {
		while (!vf(vfId).source(source)) {
			// The life ended meanwhile: the setting belongs to the next one, if any (else vf() answers 404).
		}
	}

	/**
	 * NdisMReadConfigBlock of a VF whose block source is the PF: an OID_SRIOV_READ_VF_CONFIG_BLOCK
	 * request that the PF completes; the callback gets the outcome, once, later on another thread.
	 */
	public OidRequest readFromPf(int vfId, int blockId, int length, Consumer<OidOutcome> callback) {
		vf(vfId);
		checkBlock(vfId, blockId);
		checkLength(length);
		return submit(vfId, OidRequest.Kind.READ, blockId, length, new byte[0], callback);
	}

	/**
	 * NdisMWriteConfigBlock of a VF whose block source is the PF: an OID_SRIOV_WRITE_VF_CONFIG_BLOCK
	 * request that the PF completes; the callback gets the outcome, once, later on another thread. A
	 * write the PF completes with success is appended to the VF's block-write log first.
	 */
	public OidRequest writeToPf(int vfId, int blockId, byte[] data, Consumer<OidOutcome> callback) {
		vf(vfId);
		checkBlock(vfId, blockId);
		checkData(vfId, blockId, data);
		return submit(vfId, OidRequest.Kind.WRITE, blockId, data.length, data, callback);
	}

	private OidRequest submit(int vfId, OidRequest.Kind kind, int blockId, int length, byte[] data,
			Consumer<OidOutcome> callback) {
		OidRequest request;
		while ((request = this.oids.submit(vf(vfId), kind, blockId, length, data, callback)) == null) {
			// The life ended meanwhile: the request belongs to the next one, if any (else vf() answers 404).
		}
		return request;
	}

	/**
	 * The PF's wait for OID requests: the callback gets the pending requests after the cursor that
	 * are handed over, at once or when there are some.
	 * @param after the cursor of the PF's last answer, or null for every request handed over now
	 */
	public Waiter<List<OidRequest>> pollOidRequests(String after, PollTimeout timeout,
			Consumer<PollOutcome<List<OidRequest>>> callback) {
		Cursor cursor = (after != null) ? this.oids.check(Cursor.parse(after)) : null;
		return this.oids.poll(cursor, timeout, callback);
	}

	/**
	 * The PF completes an OID request (NdisMOidRequestComplete): the VF whose read or write it is
	 * gets the data or the failure.
	 * @param data a successful read's bytes, 0 to the length asked for; empty otherwise
	 * @param bytesNeeded with {@link NdisStatus#NDIS_STATUS_INVALID_LENGTH} only, or null
	 */
	public void completeOid(long requestId, NdisStatus status, byte[] data, Long bytesNeeded) {
		this.oids.complete(requestId, status, data, bytesNeeded);
	}

	/**
	 * OID_NIC_SWITCH_FREE_VF: ends the VF's life. Its parked polls end with {@link Fault#VF_GONE}, and
	 * it is not found until it is allocated again.
	 */
	public void free(int vfId) {
		this.vfs.free(vfId);
	}

	/**
	 * OID_SRIOV_RESET_VF, a function-level reset: the VF starts a new life with the same block contents
	 * but no pending bits and an empty write log, so every earlier cursor is stale. Its parked polls end
	 * with {@link Fault#VF_RESET}.
	 */
	public void reset(int vfId) {
		this.vfs.reset(vfId);
	}

	/**
	 * The adapter as it started: every VF freed (parked polls 410 {@code vf-gone}, requests waiting
	 * for the PF ended the same way), then VFs 0..initialVfs-1 allocated with zeroed blocks.
	 */
	public void restart() {
		this.vfs.restart();
	}

	public VfState state(int vfId) {
		return vf(vfId).state();
	}

	/** Every allocated VF, in id order. */
	public List<VfState> states() {
		return this.vfs.allocated().stream().map(VirtualFunction::state).toList();
	}

	/**
	 * Answers every parked poll (as a timeout) and keeps new ones from parking: the service is
	 * stopping. Once every VF is released no poll can park, so no timeout is scheduled after the
	 * timer stops.
	 */
	@Override
	public void close() {
		this.vfs.close();
		this.oids.release();
		this.timer.shutdownNow();
	}

	private VirtualFunction vf(int vfId) {
		return this.vfs.get(vfId);
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

	private void checkData(int vfId, int blockId, byte[] data) {
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
