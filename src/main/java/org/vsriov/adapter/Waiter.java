package org.vsriov.adapter;

import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * One long poll: parked on a VF stream until news, its timeout, or the end of the VF's life, and
 * then completed exactly once. A poll answered at once is a waiter that is already done.
 *
 * @param <T> what news the stream carries
 */
public final class Waiter<T> {

	private final WaitingPolls<T> polls;

	private final Consumer<PollOutcome<T>> callback;

	private final long after;

	private final boolean acknowledges;

	// Guarded by polls.lock.
	private ScheduledFuture<?> timer;

	private Waiter(WaitingPolls<T> polls, Consumer<PollOutcome<T>> callback, long after, boolean acknowledges) {
		this.polls = polls;
		this.callback = callback;
		this.after = after;
		this.acknowledges = acknowledges;
	}

	static <T> Waiter<T> parked(WaitingPolls<T> polls, Consumer<PollOutcome<T>> callback, long after,
			boolean acknowledges) {
		return new Waiter<>(polls, callback, after, acknowledges);
	}

	/** Completes a poll at once, on the caller's thread, and returns it as done. */
	static <T> Waiter<T> answered(Consumer<PollOutcome<T>> callback, PollOutcome<T> outcome) {
		callback.accept(outcome);
		return new Waiter<>(null, callback, 0, false);
	}

	/**
	 * Withdraws the poll if it still waits (its client went away); it then gets no outcome, and
	 * acknowledges nothing. Safe to call any number of times, from any thread.
	 * @return whether it still waited (else its outcome is given, or on its way)
	 */
	public boolean cancel() {
		return this.polls != null && this.polls.withdraw(this);
	}

	/**
	 * Times the poll out now if it still waits, exactly as its own timer would: it then gets its
	 * 204 outcome on this thread. Safe to call any number of times, from any thread.
	 * @return whether it still waited (and so has had its 204 outcome, on this thread)
	 */
	public boolean expire() {
		return this.polls != null && this.polls.expire(this);
	}

	/** The stream position the poll waits beyond. */
	long after() {
		return this.after;
	}

	/** Whether delivering to this poll acknowledges what it delivers (the plain, cursor-less IOCTL). */
	boolean acknowledges() {
		return this.acknowledges;
	}

	void timer(ScheduledFuture<?> timer) {
		this.timer = timer;
	}

	/** Stops the timer; caller holds the lock and has taken the waiter out of the list. */
	void stopTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
		}
	}

	/** Stops the timer and returns the call that hands over the outcome, to run outside the lock. */
	Runnable completion(PollOutcome<T> outcome) {
		stopTimer();
		return () -> this.callback.accept(outcome);
	}

}
