package org.vsriov.adapter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The OID requests that VF reads and writes become when a VF's block source is the PF, from the
 * VF's call to the PF's completion, its timeout, or the end of the VF's life; and the PF's long
 * polls that take them. One for the adapter: one miniport serves every VF.
 *
 * <p>Request ids count up from a random start per run; request n is at position n. A PF poll after
 * position p is handed the pending requests after p, oldest first: only the oldest pending one when
 * {@code serialized} (as NDIS hands OIDs to a miniport), else all. Taking is not completing: a poll repeated with the same cursor is handed the
 * same requests again while they are pending. Every request ends exactly once, under this object's
 * lock; the VF's callback runs after it is released.
 */
final class OidRequests {

	// The vfId of this stream's cursors: it belongs to no VF.
	private static final int ADAPTER = -1;

	// Where a run's request ids may start: below 2^40, so that ids stay exact in JavaScript's numbers.
	private static final long FIRST_IDS = 1L << 40;

	// This run's first request id.
	private final long first;

	private final long run;

	private final long timeoutNanos;

	private final boolean serialized;

	private final ScheduledExecutorService timer;

	private final AdapterStats stats;

	private final Clock clock;

	private final BiConsumer<VirtualFunction, OidRequest> written;

	private final Journal journal;

	private final WaitingPolls<List<OidRequest>> waiting;

	// Guarded by this, as the fields below. In request order.
	private final Map<Long, Pending> pending = new LinkedHashMap<>();

	private long issued;

	private boolean released;

	/**
	 * @param run this run of the service, which the cursors carry: one of another run is stale; the
	 *     request ids start from it too, so that an id of another run is not one of this run's
	 * @param written what to do with a write the PF completed with success, before the VF learns it
	 */
	OidRequests(long run, VsriovProperties properties, ScheduledExecutorService timer, AdapterStats stats, Clock clock,
			Journal journal, BiConsumer<VirtualFunction, OidRequest> written) {
		this.journal = journal;
		this.run = run;
		this.first = Math.floorMod(run, FIRST_IDS) + 1;
		this.issued = this.first - 1;
		this.timeoutNanos = properties.oid().timeout().toNanos();
		this.serialized = properties.oid().serialized();
		this.timer = timer;
		this.stats = stats;
		this.clock = clock;
		this.written = written;
		this.waiting = new WaitingPolls<>(this, ADAPTER, properties.poll(), timer, stats, this::cursor);
	}

	/**
	 * Makes a VF's read or write a pending request, handed to the PF's polls when its turn comes.
	 * @param life the VF life that makes it
	 * @param data a write's bytes, or empty for a read
	 * @param callback gets the outcome, once, on the thread that ends the request
	 * @return the request, or null if the life has ended: the call belongs to the VF's next life, if any
	 * @throws AdapterException {@link Fault#SERVICE_STOPPING} once the service stops
	 */
	OidRequest submit(VirtualFunction life, OidRequest.Kind kind, int blockId, int length, byte[] data,
			Consumer<OidOutcome> callback) {
		List<Runnable> wakeUps;
		OidRequest request;
		synchronized (this) {
			if (this.released) {
				throw stopping();
			}
			if (life.hasEnded()) {
				return null;
			}
			request = new OidRequest(this.issued + 1, kind, life.id(), blockId, length, data, this.clock.instant());
			var entry = new Pending(request, life, callback, System.nanoTime());
			try {
				entry.timer = this.timer.schedule(() -> expire(request.requestId()), this.timeoutNanos,
						TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// The timer stops only when the service does.
				throw stopping();
			}
			this.issued++;
			this.pending.put(request.requestId(), entry);
			if (this.journal.on()) {
				this.journal.record(JournalEvent.transfer(JournalEvent.Party.VF, JournalEvent.Op.OID_REQUEST, life.id(),
						blockId, length).request(request.requestId()));
			}
			this.stats.oidRequested();
			wakeUps = this.waiting.drain(this::news);
		}
		wakeUps.forEach(Runnable::run);
		return request;
	}

	/**
	 * The PF's poll: answers at once with the pending requests after the cursor that are handed over
	 * (without a cursor: every one that is), else parks until there are some.
	 * @param after a cursor of this stream and run (checked by the caller), or null
	 * @throws AdapterException {@link Fault#INVALID_CURSOR} if the cursor is ahead of every request,
	 *     {@link Fault#TOO_MANY_POLLS} or {@link Fault#SERVICE_STOPPING} if it would wait and may not
	 */
	Waiter<List<OidRequest>> poll(Cursor after, PollTimeout timeout, Consumer<PollOutcome<List<OidRequest>>> callback) {
		PollOutcome<List<OidRequest>> outcome;
		Waiter<List<OidRequest>> parked = null;
		var superseded = new ArrayList<Runnable>();
		synchronized (this) {
			long from;
			if (after != null) {
				from = after.position();
				if (from > this.issued) {
					throw new AdapterException(Fault.INVALID_CURSOR, "cursor is ahead of the PF's OID requests",
							Map.of("cursor", after.encode()));
				}
			}
			else {
				from = this.pending.isEmpty() ? this.issued : oldest() - 1;
			}
			outcome = news(from);
			if (outcome == null) {
				// Parked under the lock submit() takes: no request slips in between the check and the park.
				parked = this.waiting.park(from, false, timeout, callback, superseded);
				if (parked == null) {
					outcome = new PollOutcome.TimedOut<>(cursor(from));
				}
			}
		}
		superseded.forEach(Runnable::run);
		return (parked != null) ? parked : Waiter.answered(callback, outcome);
	}

	/**
	 * The PF completes a request: the VF gets the data (success) or the failure. Checked before
	 * anything changes.
	 * @param data a successful read's bytes, 0 to the length asked for; empty otherwise
	 * @param bytesNeeded with {@link NdisStatus#NDIS_STATUS_INVALID_LENGTH} only, or null
	 * @throws AdapterException {@link Fault#OID_REQUEST_NOT_FOUND} for a request never made,
	 *     {@link Fault#OID_REQUEST_ENDED} for one that has ended, {@link Fault#INVALID_BLOCK_DATA} or
	 *     {@link Fault#MALFORMED_REQUEST} for a completion that does not fit the request
	 */
	void complete(long requestId, NdisStatus status, byte[] data, Long bytesNeeded) {
		Pending entry;
		List<Runnable> wakeUps;
		synchronized (this) {
			entry = this.pending.get(requestId);
			if (entry == null) {
				boolean made = requestId >= this.first && requestId <= this.issued;
				throw new AdapterException(made ? Fault.OID_REQUEST_ENDED : Fault.OID_REQUEST_NOT_FOUND,
						made ? "OID request " + requestId
								+ " has already ended: completed, timed out, or ended by a free or reset of its VF"
								: "no OID request " + requestId + " was made since the service started",
						Map.of("requestId", requestId));
			}
			check(entry.request, status, data, bytesNeeded);
			wakeUps = finish(entry);
			if (this.journal.on()) {
				JournalEvent event = JournalEvent.of(JournalEvent.Party.PF, JournalEvent.Op.OID_COMPLETE,
						entry.request.vfId()).block(entry.request.blockId()).request(requestId).status(status.name());
				this.journal.record((status == NdisStatus.NDIS_STATUS_SUCCESS && data.length > 0) ? event.length(data.length)
						: event);
			}
		}
		this.stats.oidCompleted(System.nanoTime() - entry.start, status == NdisStatus.NDIS_STATUS_SUCCESS);
		OidOutcome outcome;
		if (status != NdisStatus.NDIS_STATUS_SUCCESS) {
			outcome = new OidOutcome.Failed(status, bytesNeeded);
		}
		else if (entry.request.kind() == OidRequest.Kind.WRITE) {
			this.written.accept(entry.life, entry.request);
			this.stats.wrote(Role.VF);
			outcome = new OidOutcome.Completed(entry.request.data());
		}
		else {
			this.stats.read(Role.VF);
			outcome = new OidOutcome.Completed(data);
		}
		entry.callback.accept(outcome);
		wakeUps.forEach(Runnable::run);
	}

	/** Ends every pending request of a VF life that a free or reset ended: the VF gets the fault. */
	void endLife(VirtualFunction life, Fault fault) {
		var ended = new ArrayList<Pending>();
		List<Runnable> wakeUps;
		synchronized (this) {
			Long oldest = oldest();
			for (Pending entry : List.copyOf(this.pending.values())) {
				if (entry.life == life) {
					ended.add(entry);
					remove(entry);
				}
			}
			// Handed over once every request of the life has ended: none of them is handed to the PF.
			wakeUps = handedOver(oldest);
		}
		ended.forEach((entry) -> entry.callback.accept(new OidOutcome.Ended(fault)));
		wakeUps.forEach(Runnable::run);
	}

	/**
	 * Ends every pending request (the VF gets {@link Fault#SERVICE_STOPPING}) and answers every
	 * parked PF poll as timed out; takes no more: the service is stopping.
	 */
	void release() {
		List<Pending> ended;
		List<Runnable> released;
		synchronized (this) {
			this.released = true;
			ended = List.copyOf(this.pending.values());
			ended.forEach(this::remove);
			released = this.waiting.release();
		}
		ended.forEach((entry) -> entry.callback.accept(new OidOutcome.Ended(Fault.SERVICE_STOPPING)));
		released.forEach(Runnable::run);
	}

	/**
	 * Checks that a cursor belongs to this stream, and to this run of the service.
	 * @throws AdapterException {@link Fault#INVALID_CURSOR} for a VF's stream,
	 *     {@link Fault#STALE_CURSOR} for an earlier run
	 */
	Cursor check(Cursor cursor) {
		if (cursor.stream() != Cursor.Stream.OID_REQUESTS) {
			throw new AdapterException(Fault.INVALID_CURSOR, "cursor belongs to " + cursor.describe()
					+ ", not to the PF's OID requests", Map.of("cursor", cursor.encode()));
		}
		if (cursor.life() != this.run) {
			throw new AdapterException(Fault.STALE_CURSOR, "cursor is from an earlier run of the service; "
					+ "poll again without a cursor", Map.of("cursor", cursor.encode()));
		}
		return cursor;
	}

	private void expire(long requestId) {
		Pending entry;
		List<Runnable> wakeUps;
		synchronized (this) {
			entry = this.pending.get(requestId);
			if (entry == null) {
				return;
			}
			wakeUps = finish(entry);
		}
		this.stats.oidTimedOut();
		entry.callback.accept(new OidOutcome.Ended(Fault.PF_TIMEOUT));
		wakeUps.forEach(Runnable::run);
	}

	/**
	 * Ends one request: takes it out of the pending ones and hands the next one over, if it was the
	 * one handed over (serialized). Caller holds the lock and runs the returned completions after
	 * releasing it.
	 */
	private List<Runnable> finish(Pending entry) {
		Long oldest = oldest();
		remove(entry);
		return handedOver(oldest);
	}

	/** Takes a request out of the pending ones. Caller holds the lock. */
	private void remove(Pending entry) {
		this.pending.remove(entry.request.requestId());
		entry.timer.cancel(false);
		this.stats.oidEnded();
	}

	/** The oldest pending request's id, or null. Caller holds the lock. */
	private Long oldest() {
		return this.pending.isEmpty() ? null : this.pending.keySet().iterator().next();
	}

	/**
	 * The parked polls' completions if the request handed over changed from {@code before} (serialized:
	 * the oldest pending one), else none. Caller holds the lock.
	 */
	private List<Runnable> handedOver(Long before) {
		return (this.serialized && !this.pending.isEmpty() && !oldest().equals(before))
				? this.waiting.drain(this::news) : List.of();
	}

	private PollOutcome<List<OidRequest>> news(Waiter<List<OidRequest>> waiter) {
		return news(waiter.after());
	}

	/** The requests handed over after a position, or null if there are none. Caller holds the lock. */
	private PollOutcome<List<OidRequest>> news(long after) {
		var handed = new ArrayList<OidRequest>();
		for (Pending entry : this.pending.values()) {
			if (entry.request.requestId() > after) {
				handed.add(entry.request);
			}
			if (this.serialized) {
				break;
			}
		}
		if (handed.isEmpty()) {
			return null;
		}
		return new PollOutcome.Delivered<>(handed, cursor(handed.get(handed.size() - 1).requestId()));
	}

	private Cursor cursor(long position) {
		return new Cursor(Cursor.Stream.OID_REQUESTS, ADAPTER, this.run, position);
	}

	private static void check(OidRequest request, NdisStatus status, byte[] data, Long bytesNeeded) {
		var values = Map.<String, Object>of("requestId", request.requestId(), "ndisStatus", status.name());
		if (bytesNeeded != null && (status != NdisStatus.NDIS_STATUS_INVALID_LENGTH || bytesNeeded < 0)) {
			throw new AdapterException(Fault.MALFORMED_REQUEST,
					"bytesNeeded goes with NDIS_STATUS_INVALID_LENGTH only, and is not negative", values);
		}
		if (data.length == 0) {
			return;
		}
		if (status != NdisStatus.NDIS_STATUS_SUCCESS) {
			throw new AdapterException(Fault.MALFORMED_REQUEST, "a failed request's completion carries no data", values);
		}
		if (request.kind() == OidRequest.Kind.WRITE) {
			throw new AdapterException(Fault.MALFORMED_REQUEST,
					"a write's completion carries no data: the VF wrote it", values);
		}
		if (data.length > request.length()) {
			throw new AdapterException(Fault.INVALID_BLOCK_DATA, "the VF asked for " + request.length()
					+ " bytes, and the completion holds " + data.length, Map.of("requestId", request.requestId(),
							"length", data.length));
		}
	}

	private static AdapterException stopping() {
		return new AdapterException(Fault.SERVICE_STOPPING, "the service is stopping: try again once it is back");
	}

	/** A pending request and who waits for it. */
	private static final class Pending {

		final OidRequest request;

		final VirtualFunction life;

		final Consumer<OidOutcome> callback;

		final long start;

		// Set once, under the lock, before the entry is pending.
		ScheduledFuture<?> timer;

		Pending(OidRequest request, VirtualFunction life, Consumer<OidOutcome> callback, long start) {
			this.request = request;
			this.life = life;
			this.callback = callback;
			this.start = start;
		}

	}

}
