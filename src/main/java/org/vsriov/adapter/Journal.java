package org.vsriov.adapter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every operation of the adapter, in one order, for tests to await and assert on: the newest
 * {@code retention} events, in a ring.
 *
 * <p>Recording takes no lock: an event takes the next place from a counter and is put in its slot
 * of the ring (never over a newer one, should its recorder have stalled for a whole lap). A reader
 * reads places in order up to the first one not yet filled (its event comes soon, and wakes the
 * waiting polls), and knows it has fallen behind when a slot holds a newer event than the place it
 * reads. Polls that wait for matching events are answered by a scan on a thread of the journal's
 * own, which a recorder wakes without a lock ({@link LockSupport#unpark}) and only while a poll
 * waits: a recorder and a poll that parks each see the other (both go through {@link #waiting}),
 * so no event is missed between a poll's look and its park.
 */
public final class Journal {

	private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

	// The cursors' vfId: the journal belongs to no VF.
	private static final int ADAPTER = -1;

	/** The most events one answer carries; the cursor then points after the last of them. */
	public static final int MAX_ANSWER = 10_000;

	// Polls waiting for matching events at once.
	private static final int MAX_WAITING = 256;

	private final int capacity;

	private final long run;

	private final Clock clock;

	private final ScheduledExecutorService timer;

	private final AtomicReferenceArray<JournalEvent> ring;

	// The place of the next event; places start at 1.
	private final AtomicLong next = new AtomicLong(1);

	// The first place that may be read: places before it were emptied.
	private volatile long floor = 1;

	private final AtomicInteger waiting = new AtomicInteger();

	private final AtomicBoolean scanAsked = new AtomicBoolean();

	// Started with the first poll that waits, so that an adapter nobody awaits has no thread for it.
	private volatile Thread scanner;

	private volatile boolean closed;

	// Guarded by itself.
	private final List<Await> awaits = new ArrayList<>();

	/**
	 * @param retention the events kept; 0 keeps none and records nothing
	 * @param run this run of the service, which cursors carry: one of another run is stale
	 */
	Journal(int retention, long run, Clock clock, ScheduledExecutorService timer) {
		this.capacity = retention;
		this.run = run;
		this.clock = clock;
		this.timer = timer;
		this.ring = new AtomicReferenceArray<>(Math.max(retention, 1));
	}

	/** Whether events are recorded: callers skip building them otherwise. */
	public boolean on() {
		return this.capacity > 0;
	}

	/** Records an event: gives it the next place and the time. */
	public void record(JournalEvent event) {
		if (this.capacity == 0) {
			return;
		}
		long seq = this.next.getAndIncrement();
		JournalEvent numbered = event.at(seq, this.clock.instant());
		int slot = slot(seq);
		JournalEvent there;
		do {
			there = this.ring.get(slot);
			if (there != null && there.seq() > seq) {
				// This recorder stalled while the ring went round: its event is older than the retention.
				break;
			}
		}
		while (!this.ring.compareAndSet(slot, there, numbered));
		if (this.waiting.get() > 0) {
			askScan();
		}
	}

	/** Forgets every event recorded so far: a cursor after which events were forgotten gets 410. */
	public void clear() {
		this.floor = this.next.get();
	}

	/**
	 * Forgets every event and answers every waiting poll as timed out, with the cursor of the empty
	 * journal: the adapter's reset, which answers every parked poll.
	 */
	void restart() {
		clear();
		release();
	}

	/** The cursor after the newest event. */
	public Cursor cursor() {
		return cursor(this.next.get() - 1);
	}

	/**
	 * Checks that a cursor belongs to the journal of this run.
	 * @throws AdapterException {@link Fault#INVALID_CURSOR} for another stream or a place not reached
	 *     yet, {@link Fault#STALE_CURSOR} for another run
	 */
	public Cursor check(Cursor cursor) {
		if (cursor.stream() != Cursor.Stream.JOURNAL) {
			throw new AdapterException(Fault.INVALID_CURSOR, "cursor belongs to " + cursor.describe()
					+ ", not to the journal", Map.of("cursor", cursor.encode()));
		}
		if (cursor.life() != this.run) {
			throw stale(cursor, "it is from an earlier run of the service");
		}
		if (cursor.position() >= this.next.get()) {
			throw new AdapterException(Fault.INVALID_CURSOR, "cursor is ahead of the journal",
					Map.of("cursor", cursor.encode()));
		}
		return cursor;
	}

	/**
	 * The events after a cursor that match, at once if there are some, else the first that come
	 * before the timeout. The callback gets {@link PollOutcome.Delivered} with them and the cursor
	 * after the last event looked at, {@link PollOutcome.TimedOut} with the cursor after every
	 * event looked at, or {@link PollOutcome.Ended} with {@link Fault#STALE_CURSOR} if the events
	 * after the cursor were dropped while it waited.
	 * @param after a cursor of this journal (see {@link #check}), or null for every event retained
	 * @return what cancels the wait (a poll whose client has gone)
	 * @throws AdapterException {@link Fault#STALE_CURSOR} if events after the cursor are no longer
	 *     kept, {@link Fault#TOO_MANY_POLLS} if too many polls wait already
	 */
	public Runnable poll(Cursor after, Predicate<JournalEvent> filter, PollTimeout timeout,
			Consumer<PollOutcome<List<JournalEvent>>> callback) {
		var await = new Await((after != null) ? after.position() : firstKept() - 1, filter, callback);
		if (after != null && after.position() < firstKept() - 1) {
			throw stale(after, "the events after it are no longer kept (vsriov.journal.retention, or the journal "
					+ "was emptied)");
		}
		if (await.scan() || timeout.isZero()) {
			await.timeOut();
			return () -> {
			};
		}
		startScanner();
		synchronized (this.awaits) {
			if (this.awaits.size() >= MAX_WAITING) {
				throw new AdapterException(Fault.TOO_MANY_POLLS, MAX_WAITING + " journal polls wait already",
						Map.of("limit", MAX_WAITING));
			}
			this.awaits.add(await);
			this.waiting.incrementAndGet();
		}
		try {
			await.timeAfter(this.timer.schedule(await::timeOut, timeout.duration().toNanos(), TimeUnit.NANOSECONDS));
		}
		catch (RejectedExecutionException ex) {
			// The service is stopping.
			await.timeOut();
			return () -> {
			};
		}
		// Events recorded before it was counted as waiting asked no scan: this one sees them.
		askScan();
		return await::cancel;
	}

	/** Answers every waiting poll as timed out. */
	private void release() {
		List<Await> all;
		synchronized (this.awaits) {
			all = new ArrayList<>(this.awaits);
		}
		all.forEach(Await::timeOut);
	}

	/** Answers every waiting poll as timed out and stops the scanner: the service is stopping. */
	void close() {
		this.closed = true;
		release();
		Thread thread = this.scanner;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	/** Wakes the scanner: lock-free, as a recorder may hold its VF's lock. */
	private void askScan() {
		if (this.scanAsked.compareAndSet(false, true)) {
			LockSupport.unpark(this.scanner);
		}
	}

	/**
	 * The scanner's loop: a scan each time one is asked for, until the service stops. The flag is
	 * looked at before parking, never only after: a wake-up that a lock inside a scan used up (the
	 * timer's, Jetty's) must not leave a scan asked for and the scanner asleep.
	 */
	private void scanWhenAsked() {
		while (!this.closed) {
			// Cleared before the scan: an event recorded during it asks for another.
			if (!this.scanAsked.getAndSet(false)) {
				LockSupport.park(this);
				continue;
			}
			List<Await> all;
			synchronized (this.awaits) {
				all = new ArrayList<>(this.awaits);
			}
			for (Await await : all) {
				try {
					await.scan();
				}
				catch (RuntimeException ex) {
					// A poll's answer that could not be given: that poll's loss, not the other polls'.
					LOG.warn("A journal poll could not be answered", ex);
				}
			}
		}
	}

	/** The scanner thread, started with the first poll that waits. */
	private void startScanner() {
		synchronized (this.awaits) {
			if (this.scanner == null) {
				var thread = new Thread(this::scanWhenAsked, "vsriov-journal");
				thread.setDaemon(true);
				thread.start();
				this.scanner = thread;
			}
		}
	}

	private long firstKept() {
		return Math.max(this.floor, this.next.get() - this.capacity);
	}

	private int slot(long seq) {
		return (int) (seq % this.ring.length());
	}

	private Cursor cursor(long position) {
		return new Cursor(Cursor.Stream.JOURNAL, ADAPTER, this.run, position);
	}

	private static AdapterException stale(Cursor cursor, String why) {
		return new AdapterException(Fault.STALE_CURSOR, "the journal's cursor is stale: " + why
				+ "; poll again without a cursor", Map.of("cursor", cursor.encode()));
	}

	/** A poll of the journal, from its look to its answer, which comes once. */
	private final class Await {

		private final Predicate<JournalEvent> filter;

		private final Consumer<PollOutcome<List<JournalEvent>>> callback;

		// Guarded by this, as the fields below: the place up to which it has looked.
		private long after;

		private boolean done;

		private ScheduledFuture<?> timeout;

		Await(long after, Predicate<JournalEvent> filter, Consumer<PollOutcome<List<JournalEvent>>> callback) {
			this.after = after;
			this.filter = filter;
			this.callback = callback;
		}

		/**
		 * Looks at the events after its place; answers if some match, or if it has fallen behind.
		 * @return whether it is answered
		 */
		boolean scan() {
			PollOutcome<List<JournalEvent>> outcome;
			synchronized (this) {
				if (this.done) {
					return true;
				}
				outcome = look();
				if (outcome == null) {
					return false;
				}
				this.done = true;
			}
			finish(outcome);
			return true;
		}

		/** The answer of the events after its place, or null if none match yet (its place then moves on). */
		private PollOutcome<List<JournalEvent>> look() {
			long end = Journal.this.next.get();
			var matches = new ArrayList<JournalEvent>();
			// Emptied while it waited: it goes on from what comes next.
			long place = Math.max(this.after, Journal.this.floor - 1);
			while (place + 1 < end && matches.size() < MAX_ANSWER) {
				JournalEvent event = Journal.this.ring.get(slot(place + 1));
				if (event == null || event.seq() < place + 1) {
					break; // not filled yet
				}
				if (event.seq() > place + 1) {
					return new PollOutcome.Ended<>(Fault.STALE_CURSOR, ADAPTER);
				}
				place++;
				if (this.filter.test(event)) {
					matches.add(event);
				}
			}
			this.after = place;
			return matches.isEmpty() ? null : new PollOutcome.Delivered<>(matches, cursor(place));
		}

		void timeAfter(ScheduledFuture<?> timeout) {
			boolean done;
			synchronized (this) {
				this.timeout = timeout;
				done = this.done;
			}
			if (done) {
				timeout.cancel(false);
			}
		}

		void timeOut() {
			long place;
			synchronized (this) {
				if (this.done) {
					return;
				}
				this.done = true;
				// Past what was emptied, if the journal was: the cursor then fits the journal as it is.
				place = Math.max(this.after, Journal.this.floor - 1);
			}
			finish(new PollOutcome.TimedOut<>(cursor(place)));
		}

		void cancel() {
			synchronized (this) {
				if (this.done) {
					return;
				}
				this.done = true;
			}
			forget();
		}

		private void finish(PollOutcome<List<JournalEvent>> outcome) {
			forget();
			this.callback.accept(outcome);
		}

		private void forget() {
			boolean removed;
			synchronized (Journal.this.awaits) {
				removed = Journal.this.awaits.remove(this);
			}
			if (removed) {
				Journal.this.waiting.decrementAndGet();
			}
			ScheduledFuture<?> timeout;
			synchronized (this) {
				timeout = this.timeout;
			}
			if (timeout != null) {
				timeout.cancel(false);
			}
		}

	}

}
