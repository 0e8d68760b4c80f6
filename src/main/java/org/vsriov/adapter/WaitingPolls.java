package org.vsriov.adapter;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * The polls parked on one stream of one VF life, with their cap and timeouts, and whether polls may
 * still park at all: not once the service stops (release) or the life ends (free or reset). Every
 * method runs under {@code lock}, the lock of the state the polls wait on, so that a poll is parked,
 * woken, timed out, withdrawn or ended exactly once; callbacks run after the lock is released.
 *
 * @param <T> what news the stream carries
 */
final class WaitingPolls<T> {

	private final Object lock;

	private final int vfId;

	private final int max;

	// Over every VF: 0 for none (the service always sets one).
	private final int maxParked;

	private final ScheduledExecutorService timer;

	private final AdapterStats stats;

	// The cursor a poll that ends without news is answered with, from the position it waits beyond.
	private final LongFunction<Cursor> cursor;

	private final List<Waiter<T>> waiting = new ArrayList<>(2);

	private boolean released;

	private Fault ended;

	WaitingPolls(Object lock, int vfId, VsriovProperties.Poll limits, ScheduledExecutorService timer,
			AdapterStats stats, LongFunction<Cursor> cursor) {
		this.lock = lock;
		this.vfId = vfId;
		this.max = limits.maxWaitersPerVf();
		this.maxParked = (limits.maxParked() > 0) ? limits.maxParked() : Integer.MAX_VALUE;
		this.timer = timer;
		this.stats = stats;
		this.cursor = cursor;
	}

	/**
	 * Parks a poll until {@link #drain} or its timeout, less up to 1/16 so that many polls parked at
	 * once do not all wake together. At the cap per VF, the oldest parked poll makes room: it is
	 * answered as timed out, with its unchanged cursor, so that an agent whose earlier polls died with
	 * their connections is never locked out by them. At the bound over all VFs, the poll is refused:
	 * parked polls hold connections, and the PF side and health must always find one. Caller holds the
	 * lock and has checked there is no news yet and that the life has not {@link #ended}; a refused
	 * poll has changed nothing.
	 * @param completions where the superseded poll's completion goes, for the caller to run after
	 *     releasing the lock
	 * @return the parked poll, or null for a poll that does not wait ({@code timeout=0}): the caller
	 *     answers it at once
	 * @throws AdapterException {@link Fault#TOO_MANY_POLLS} at the bound over all VFs,
	 *     {@link Fault#SERVICE_STOPPING} once the service stops
	 */
	Waiter<T> park(long after, boolean acknowledges, PollTimeout timeout, Consumer<PollOutcome<T>> callback,
			List<Runnable> completions) {
		if (timeout.isZero()) {
			return null;
		}
		if (this.released) {
			throw stopping();
		}
		// Superseding the oldest poll of this VF frees the place the new one takes.
		boolean supersedes = this.waiting.size() >= this.max;
		if (!supersedes && !this.stats.parkWithin(this.maxParked)) {
			throw new AdapterException(Fault.TOO_MANY_POLLS, this.maxParked
					+ " polls are parked, the most this service keeps (vsriov.poll.max-parked): retry later",
					Map.of("maxParked", this.maxParked));
		}
		var waiter = Waiter.parked(this, callback, after, acknowledges);
		long nanos = timeout.duration().toNanos();
		long early = ThreadLocalRandom.current().nextLong(nanos / 16 + 1);
		try {
			waiter.timer(this.timer.schedule(() -> expire(waiter), nanos - early, TimeUnit.NANOSECONDS));
		}
		catch (RejectedExecutionException ex) {
			// The timer stops only when the service does; a life allocated while it stopped can get here
			// before its release.
			this.released = true;
			if (!supersedes) {
				this.stats.parked(-1);
			}
			throw stopping();
		}
		if (supersedes) {
			// A timed-out poll takes nothing: a plain poll superseded here acknowledges nothing. The
			// new poll takes its place in the count, which never drops meanwhile: a poll on another VF
			// could take the place and overshoot the bound.
			Waiter<T> oldest = this.waiting.remove(0);
			completions.add(oldest.completion(new PollOutcome.TimedOut<>(this.cursor.apply(oldest.after()))));
		}
		this.waiting.add(waiter);
		return waiter;
	}

	private static AdapterException stopping() {
		return new AdapterException(Fault.SERVICE_STOPPING, "the service is stopping: poll again once it is back");
	}

	/** How the life ended ({@link Fault#VF_GONE} or {@link Fault#VF_RESET}), or null while it goes on. */
	Fault ended() {
		return this.ended;
	}

	/**
	 * Answers every parked poll as timed out and parks no more: the service is stopping. Caller holds
	 * the lock and runs the returned completions after releasing it.
	 */
	List<Runnable> release() {
		this.released = true;
		return drain((waiter) -> new PollOutcome.TimedOut<>(this.cursor.apply(waiter.after())));
	}

	/**
	 * Ends every parked poll, and every later one, with the fault that ended the life. Caller holds
	 * the lock and runs the returned completions after releasing it.
	 */
	List<Runnable> end(Fault fault) {
		this.ended = fault;
		return drain((waiter) -> new PollOutcome.Ended<>(fault, this.vfId));
	}

	int size() {
		return this.waiting.size();
	}

	/**
	 * Takes every parked poll that {@code outcome} gives an outcome (null: none yet, it stays) out
	 * and gives it that outcome. Caller holds the lock and runs the returned completions after
	 * releasing it.
	 */
	List<Runnable> drain(Function<Waiter<T>, PollOutcome<T>> outcome) {
		if (this.waiting.isEmpty()) {
			return List.of();
		}
		var completions = new ArrayList<Runnable>(this.waiting.size());
		for (Iterator<Waiter<T>> waiters = this.waiting.iterator(); waiters.hasNext();) {
			Waiter<T> waiter = waiters.next();
			PollOutcome<T> news = outcome.apply(waiter);
			if (news != null) {
				completions.add(waiter.completion(news));
				waiters.remove();
			}
		}
		this.stats.parked(-completions.size());
		return completions;
	}

	boolean withdraw(Waiter<T> waiter) {
		synchronized (this.lock) {
			if (remove(waiter)) {
				waiter.stopTimer();
				return true;
			}
			return false;
		}
	}

	boolean expire(Waiter<T> waiter) {
		Runnable completion;
		synchronized (this.lock) {
			if (!remove(waiter)) {
				return false;
			}
			completion = waiter.completion(new PollOutcome.TimedOut<>(this.cursor.apply(waiter.after())));
		}
		completion.run();
		return true;
	}

	private boolean remove(Waiter<T> waiter) {
		if (this.waiting.remove(waiter)) {
			this.stats.parked(-1);
			return true;
		}
		return false;
	}

}
