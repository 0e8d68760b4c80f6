package org.vsriov.adapter;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

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

	private final Journal journal;

	private final Faults faults;

	// How many times the adapter was reset to its start: a step a fault rule delays across one is dropped.
	private final AtomicLong restarts = new AtomicLong();

	public VirtualAdapter(VsriovProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
		this.timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			var thread = new Thread(task, "vsriov-poll-timeouts");
			thread.setDaemon(true);
			return thread;
		});
		this.timer.setRemoveOnCancelPolicy(true);
		long run = new SecureRandom().nextLong();
		this.journal = new Journal(properties.journal().retention(), run, clock, this.timer);
		this.faults = new Faults(properties, this.journal);
		this.oids = new OidRequests(run, properties, this.timer, this.stats, clock, this.journal,
				(life, request) -> life.logPfAnswered(request.blockId(), request.data(), this.versions::incrementAndGet,
						clock.instant()));
		this.vfs = new VfSlots(properties, this.timer, this.stats, this.journal, this.oids::endLife);
	}

	/** The journal of every operation. */
	public Journal journal() {
		return this.journal;
	}

	/** The fault rules in force. */
	public Faults faults() {
		return this.faults;
	}

	/**
	 * A step of a VF is about to be taken: the fault rule that fires for it, if any. A {@code reset-vf}
	 * or {@code free-vf} is done here, before the step; what the other actions do is the step's part.
	 * The VF and block are checked first (404, 400), so that a step refused anyway fires nothing.
	 * @param blockId the step's block, or -1 for a delivery or an invalidation, which have a mask
	 * @param mask their mask, or null
	 * @return the rule that fired, or null
	 */
	public @Nullable FaultRule fault(FaultRule.On step, int vfId, int blockId, @Nullable BlockMask mask) {
		return fault(step, vfId, blockId, mask, -1);
	}

	/**
	 * As {@link #fault(FaultRule.On, int, int, BlockMask)}, for a read of {@code length} bytes: a
	 * {@code short-read} fires only for a read of more bytes than it leaves.
	 */
	public @Nullable FaultRule fault(FaultRule.On step, int vfId, int blockId, @Nullable BlockMask mask, int length) {
		vf(vfId);
		if (blockId >= 0) {
			checkBlock(vfId, blockId);
		}
		FaultRule rule = this.faults.fire(step, vfId, blockId, mask, length);
		if (rule != null && rule.action() == FaultRule.Action.RESET_VF) {
			reset(vfId);
		}
		else if (rule != null && rule.action() == FaultRule.Action.FREE_VF) {
			free(vfId);
		}
		return rule;
	}

	/**
	 * Runs a step after a fault rule's delay, on the adapter's timer; the future has its result or
	 * failure. A step whose delay outlasts a reset of the adapter is not taken: it fails as its VF
	 * was freed.
	 */
	public <T> CompletableFuture<T> later(Duration delay, Supplier<T> task) {
		var result = new CompletableFuture<T>();
		long mark = restarts();
		try {
			this.timer.schedule(() -> {
				try {
					checkNotRestartedSince(mark);
					result.complete(task.get());
				}
				catch (RuntimeException ex) {
					result.completeExceptionally(ex);
				}
			}, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			throw new AdapterException(Fault.SERVICE_STOPPING, "the service is stopping: try again once it is back");
		}
		return result;
	}

	/** A mark to hand to {@link #checkNotRestartedSince} after a fault rule's delay. */
	public long restarts() {
		return this.restarts.get();
	}

	private boolean restartedSince(long mark) {
		return this.restarts.get() != mark;
	}

	/**
	 * Checks that the adapter was not reset to its start since the mark: a step a fault rule delayed
	 * across a reset is not taken, so that nothing of before the reset lands after it.
	 * @throws AdapterException {@link Fault#VF_GONE} if it was
	 */
	public void checkNotRestartedSince(long mark) {
		if (restartedSince(mark)) {
			throw new AdapterException(Fault.VF_GONE, "the adapter was reset to its start (POST /api/v1/admin/reset) "
					+ "while a fault rule delayed this request; every VF was freed: nothing was done");
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
		BlockMask pending;
		do {
			// Null if freed meanwhile: vf() then answers 404, unless the VF was allocated again.
			pending = invalidateCurrentLife(vf(vfId), mask);
		}
		while (pending == null);
		return pending;
	}

	/**
	 * Invalidates every allocated VF (the VF index 0xFFFF form), in VF id order. Each VF's merge meets
	 * the fault rules on {@code invalidation} as a single invalidation does, but a delayed one is
	 * merged later, on the adapter's timer: the answer has its pending mask from before.
	 * @return each VF's pending mask after the merge, by VF id in ascending order
	 */
	public Map<Integer, BlockMask> invalidateAll(BlockMask mask) {
		checkInvalidatable(mask);
		var pending = new LinkedHashMap<Integer, BlockMask>();
		for (VirtualFunction vf : this.vfs.allocated()) {
			FaultRule rule;
			try {
				rule = fault(FaultRule.On.INVALIDATION, vf.id(), -1, mask);
			}
			catch (AdapterException ex) {
				continue; // freed meanwhile
			}
			if (rule != null && rule.action() == FaultRule.Action.DELAY) {
				later(rule.delay(), () -> invalidate(vf.id(), mask));
			}
			BlockMask after = (rule != null && (rule.action() == FaultRule.Action.DROP
					|| rule.action() == FaultRule.Action.DELAY)) ? pendingOf(vf) : invalidateCurrentLife(vf, mask);
			if (after != null) {
				pending.put(vf.id(), after);
			}
		}
		return pending;
	}

	/** The pending mask of a VF's current life, or null if it is not allocated. */
	private @Nullable BlockMask pendingOf(VirtualFunction life) {
		VirtualFunction vf = this.vfs.current(life.id());
		return (vf != null) ? vf.state().pendingMask() : null;
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
		return vf.invalidations().poll(cursor, timeout, (outcome) -> answered(vf, outcome, callback));
	}

	/**
	 * A VF's poll is answered: a delivery meets the fault rules first (the poll has taken its bits
	 * already, as a completion does before it travels), and the journal records what the VF is
	 * sent, as it is sent: a delivery (after its delay; {@code dropped} when it is lost on the way;
	 * none when a reset or free comes first), or a timeout.
	 */
	private void answered(VirtualFunction life, PollOutcome<BlockMask> outcome,
			Consumer<PollOutcome<BlockMask>> callback) {
		int vfId = life.id();
		if (!(outcome instanceof PollOutcome.Delivered<BlockMask> delivered)) {
			if (outcome instanceof PollOutcome.TimedOut<BlockMask> timedOut && this.journal.on()) {
				this.journal.record(JournalEvent.of(JournalEvent.Party.VF, JournalEvent.Op.POLL_TIMEOUT, vfId)
					.cursor(timedOut.cursor()));
			}
			callback.accept(outcome);
			return;
		}
		FaultRule rule = fireOnDelivery(vfId, delivered.news());
		if (rule == null) {
			journalDelivery(vfId, delivered, null);
			callback.accept(outcome);
		}
		else if (rule.action() == FaultRule.Action.DELAY) {
			long mark = restarts();
			Runnable send = () -> {
				// A reset of the adapter, or a free or reset of the VF, during the delay comes before the
				// delivery: the poll ends as that ended its VF's life, and nothing is journaled.
				Fault ended = restartedSince(mark) ? Fault.VF_GONE : life.endedBy();
				if (ended != null) {
					callback.accept(new PollOutcome.Ended<>(ended, vfId));
					return;
				}
				journalDelivery(vfId, delivered, null);
				callback.accept(outcome);
			};
			try {
				this.timer.schedule(send, rule.delay().toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				send.run();
			}
		}
		else if (rule.action() == FaultRule.Action.DROP) {
			journalDelivery(vfId, delivered, "dropped");
			callback.accept(new PollOutcome.Dropped<>());
		}
		else {
			callback.accept(new PollOutcome.Ended<>(
					(rule.action() == FaultRule.Action.RESET_VF) ? Fault.VF_RESET : Fault.VF_GONE, vfId));
		}
	}

	private void journalDelivery(int vfId, PollOutcome.Delivered<BlockMask> delivered, @Nullable String status) {
		if (this.journal.on()) {
			JournalEvent event = JournalEvent.of(JournalEvent.Party.VF, JournalEvent.Op.DELIVER, vfId)
				.mask(delivered.news())
				.cursor(delivered.cursor());
			this.journal.record((status != null) ? event.status(status) : event);
		}
	}

	private @Nullable FaultRule fireOnDelivery(int vfId, BlockMask bits) {
		try {
			return fault(FaultRule.On.DELIVERY, vfId, -1, bits);
		}
		catch (AdapterException ex) {
			// Freed meanwhile: the delivery goes out as it is.
			return null;
		}
	}

	/** NdisMReadConfigBlock (VF) or the PF's own look: the block's first {@code length} bytes. */
	public ConfigBlock read(int vfId, int blockId, Role reader) {
		return read(vfId, blockId, this.properties.blockSize(), reader);
	}

	/** A read of the block's first {@code length} bytes (1..blockSize, checked by the caller), journaled as such. */
	public ConfigBlock read(int vfId, int blockId, int length, Role reader) {
		VirtualFunction vf = vf(vfId);
		checkBlock(vfId, blockId);
		ConfigBlock block;
		while ((block = vf.read(blockId, this.properties.blockSize(), length, reader)) == null) {
			vf = vf(vfId);
		}
		this.stats.read(reader);
		return block;
	}

	/** Journals a VF's read or write that ended otherwise than with vsriov's store. */
	private void journalTransfer(JournalEvent.Op op, int vfId, int blockId, int length, String status) {
		if (this.journal.on()) {
			this.journal.record(JournalEvent.transfer(JournalEvent.Party.VF, op, vfId, blockId, length).status(status));
		}
	}

	/**
	 * A VF's read or write that a fault rule failed: journaled with the status, and refused as the
	 * PF's failure would be.
	 */
	public void journalFailed(FaultRule.On step, int vfId, int blockId, int length, NdisStatus status) {
		journalTransfer((step == FaultRule.On.VF_READ) ? JournalEvent.Op.READ : JournalEvent.Op.WRITE, vfId, blockId,
				length, status.name());
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
	 * Checks a write's precondition against the block's version now, before anything else (a fault
	 * rule) acts on the write; the write checks it again as it writes.
	 * @throws AdapterException {@link Fault#VERSION_MISMATCH} if it fails
	 */
	public void checkVersion(int vfId, int blockId, LongPredicate ifVersion) {
		VirtualFunction vf = vf(vfId);
		checkBlock(vfId, blockId);
		vf.checkVersion(blockId, this.properties.blockSize(), ifVersion);
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
		return submit(vfId, OidRequest.Kind.READ, blockId, length, new byte[0],
				journaled(JournalEvent.Op.READ, vfId, blockId, length, callback));
	}

	private Consumer<OidOutcome> journaled(JournalEvent.Op op, int vfId, int blockId, int length,
			Consumer<OidOutcome> callback) {
		if (!this.journal.on()) {
			return callback;
		}
		// Not journaled once the adapter was reset since: the reset emptied the journal of its time.
		long mark = restarts();
		return (outcome) -> {
			if (restartedSince(mark)) {
				callback.accept(outcome);
				return;
			}
			if (outcome instanceof OidOutcome.Completed completed) {
				journalTransfer(op, vfId, blockId, completed.data().length, NdisStatus.NDIS_STATUS_SUCCESS.name());
			}
			else if (outcome instanceof OidOutcome.Failed failed) {
				journalTransfer(op, vfId, blockId, length, failed.status().name());
			}
			else {
				journalTransfer(op, vfId, blockId, length,
						((OidOutcome.Ended) outcome).fault().name().toLowerCase().replace('_', '-'));
			}
			callback.accept(outcome);
		};
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
		return submit(vfId, OidRequest.Kind.WRITE, blockId, data.length, data,
				journaled(JournalEvent.Op.WRITE, vfId, blockId, data.length, callback));
	}

	/**
	 * Submits the request, after the delay of a fault rule on {@code oid-request} if one fires.
	 * @return the request, or null if it is submitted later
	 */
	private @Nullable OidRequest submit(int vfId, OidRequest.Kind kind, int blockId, int length, byte[] data,
			Consumer<OidOutcome> callback) {
		FaultRule rule = fault(FaultRule.On.OID_REQUEST, vfId, blockId, null);
		if (rule == null || rule.action() != FaultRule.Action.DELAY) {
			return submitNow(vfId, kind, blockId, length, data, callback);
		}
		// The life that makes the request: a free or reset during the delay ends it, as it would end a
		// request that the PF had.
		VirtualFunction life = vf(vfId);
		later(rule.delay(), () -> {
			OidRequest request = null;
			try {
				request = this.oids.submit(life, kind, blockId, length, data, callback);
			}
			catch (AdapterException ex) {
				// The service is stopping.
				callback.accept(new OidOutcome.Ended(ex.fault()));
				return null;
			}
			if (request == null) {
				callback.accept(new OidOutcome.Ended(life.endedBy()));
			}
			return request;
		}).whenComplete((request, failure) -> {
			if (failure != null) {
				// Reset with the adapter meanwhile.
				callback.accept(new OidOutcome.Ended(Fault.VF_GONE));
			}
		});
		return null;
	}

	private OidRequest submitNow(int vfId, OidRequest.Kind kind, int blockId, int length, byte[] data,
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
		this.faults.clear(true);
		this.vfs.restart(() -> {
			// Once every VF is freed: a step a delay holds from before is dropped, one that starts now
			// finds no VF until the initial ones are allocated again.
			this.restarts.incrementAndGet();
			this.journal.restart();
		});
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
		this.journal.close();
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

	/**
	 * Checks a write as {@link #write} does, without writing: the VF, the block, the data.
	 * @throws AdapterException as {@link #write} would
	 */
	public void checkWrite(int vfId, int blockId, byte[] data) {
		vf(vfId);
		checkBlock(vfId, blockId);
		checkData(vfId, blockId, data);
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

	/**
	 * Checks that a mask names only blocks that exist.
	 * @throws AdapterException {@link Fault#INVALID_BLOCK_MASK} otherwise
	 */
	public void checkInvalidatable(BlockMask mask) {
		int highest = mask.highestBlock();
		if (highest >= this.properties.blockCount()) {
			throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blockMask names block " + highest
					+ ", but blocks are 0 to " + (this.properties.blockCount() - 1) + " (vsriov.block-count)",
					Map.of("blockMask", mask.toHex()));
		}
	}

}
