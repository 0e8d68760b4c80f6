package org.vsriov.web;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.Waiter;

import org.springframework.http.ResponseEntity;

/**
 * One long poll as HTTP, for both streams (the VF's invalidations, the PF's block writes). A poll the
 * adapter answers at once is answered by the handler like any request. One that parks holds a
 * connection, not a thread: a Servlet async request, whose answer the adapter's completion hands to
 * the container's pool (or, if its dispatch has not returned yet, to {@link LongPolls}'s filter),
 * with no second dispatch through the filters and Spring MVC.
 *
 * @param <T> what news the stream carries
 * @param <B> the 200's body
 */
public final class LongPoll<T, B> {

	public static final String CURSOR_HEADER = "Vsriov-Cursor";

	private static final Log logger = LogFactory.getLog(LongPoll.class);

	// Only if the adapter's own timer has not answered by then (it always should): a 204, never a 503.
	private static final Duration FALLBACK_GRACE = Duration.ofSeconds(10);

	// How long the container's listener waits for an answer already on its way.
	private static final Duration TAKE_OVER_WAIT = Duration.ofSeconds(1);

	private enum State {

		/** The adapter is being asked: an outcome now is answered by the handler. */
		ASKING,

		/** Parked as an async request, with no outcome yet. */
		PARKED,

		/** The outcome came and its answer is built: the first thread to claim it writes it. */
		ANSWERING,

		/** Answered, or given up: later outcomes are dropped. */
		DONE

	}

	private final PollAnswers answers;

	private final HttpServletRequest request;

	private final HttpServletResponse response;

	private final PollTimeout timeout;

	private final BiFunction<T, String, B> body;

	private final boolean takes;

	// Guarded by this, like every field below. Three threads race for a parked poll: the adapter's
	// completion, the request thread until its dispatch has returned, and the container's listener.
	// The answer is written by exactly one of them, and never while the request thread is still in
	// Spring MVC or the filters (they read the response): until the dispatch returns, an answer waits
	// for it (dispatched()); once the listener has taken over, the answer is its to write. (The
	// connection watch of a poll that takes only times the poll out, as the adapter's timer would.)
	private State state = State.ASKING;

	// An outcome that came while the adapter was being asked.
	private @Nullable PollOutcome<T> early;

	// The answer built from the outcome, while ANSWERING.
	private @Nullable ResponseEntity<?> answer;

	// Set before the state becomes PARKED.
	private @Nullable AsyncContext async;

	// Set before the state becomes PARKED: the container's view of the request, and where an answer
	// is written from.
	private @Nullable Watch watch;

	private @Nullable Executor writer;

	// The request's dispatch has returned to the container.
	private boolean dispatched;

	// The container's listener (timeout, error) writes the answer.
	private boolean takenOver;

	// The answer has been written and the request completed.
	private boolean written;

	LongPoll(PollAnswers answers, HttpServletRequest request, HttpServletResponse response, PollTimeout timeout,
			boolean takes, BiFunction<T, String, B> body) {
		this.answers = answers;
		this.request = request;
		this.response = response;
		this.timeout = timeout;
		this.takes = takes;
		this.body = body;
	}

	/** The poll's timeout, parsed. */
	public PollTimeout timeout() {
		return this.timeout;
	}

	/**
	 * Asks the adapter, giving it this poll's completion, and answers: the outcome if the adapter gave
	 * one at once (or another thread did before the poll could park), else null with the request
	 * parked, for the completion to answer later.
	 * @param ask asks the adapter with the completion, and returns the waiter
	 * @return the answer, or null if the poll is parked
	 * @throws AdapterException if the adapter refuses the poll, or the VF's life ended at once
	 */
	public @Nullable ResponseEntity<B> answer(Function<Consumer<PollOutcome<T>>, Waiter<T>> ask) {
		Waiter<T> waiter = ask.apply(this::complete);
		// Under the lock until PARKED: a completion on another thread meanwhile finds ASKING and
		// leaves its outcome here, for this thread to answer.
		synchronized (this) {
			if (this.early != null) {
				this.state = State.DONE;
				return this.answers.answer(this.early, this.body);
			}
			try {
				this.async = this.request.startAsync(this.request, this.response);
				this.async.setTimeout(this.timeout.duration().plus(FALLBACK_GRACE).toMillis());
				this.watch = new Watch(waiter);
				this.async.addListener(this.watch);
				this.request.setAttribute(LongPolls.PARKED, this);
				this.writer = ConnectionWatch.executor(this.request, this.async);
			}
			catch (RuntimeException ex) {
				this.state = State.DONE;
				waiter.cancel();
				throw ex;
			}
			this.state = State.PARKED;
			return null;
		}
	}

	/**
	 * The adapter's callback: at once, or later on another thread; only the first outcome counts.
	 * Never throws: the adapter completes other polls on the same thread after this one.
	 */
	private void complete(PollOutcome<T> outcome) {
		Executor parked;
		try {
			synchronized (this) {
				if (this.state == State.ASKING) {
					this.early = outcome;
					return;
				}
				if (this.state != State.PARKED) {
					return;
				}
				this.answer = this.answers.parkedAnswer(outcome, this.body, this.request);
				this.state = State.ANSWERING;
				notifyAll();
				if (!this.dispatched || this.takenOver) {
					return;
				}
				parked = this.writer;
			}
			// Not on this thread, which may have more polls to complete; write() does nothing if
			// another thread has written an answer by then.
			parked.execute(this::write);
		}
		catch (RuntimeException ex) {
			logger.warn("A parked long poll could not be answered: " + outcome, ex);
			end(ProblemHandler.internalError("the long poll could not be answered"));
		}
	}

	/**
	 * The request's dispatch has returned to the container ({@link LongPolls} calls this from its
	 * filter, after everything else): an answer that came meanwhile is written now, on this thread.
	 * A poll still parked that takes what it is answered starts watching its connection: it must not
	 * take anything for a client that has gone away, which then gets a 204 if it can still read (a
	 * timed-out poll takes nothing).
	 */
	void dispatched() {
		synchronized (this) {
			this.dispatched = true;
			if (this.state == State.PARKED && this.takes) {
				// Under the lock: no answer can be written while the watch sets its header.
				ConnectionWatch.watch(this.request, this.response, this.watch::clientGone);
			}
			if (this.state != State.ANSWERING || this.takenOver) {
				return;
			}
		}
		write();
	}

	/** Writes the answer if no other thread has claimed it yet. */
	private void write() {
		ResponseEntity<?> claimed;
		synchronized (this) {
			if (this.state != State.ANSWERING) {
				return;
			}
			this.state = State.DONE;
			claimed = this.answer;
			this.answer = null;
		}
		finish(claimed);
	}

	/** Ends the poll if nothing has written its answer yet, with the given one or none. */
	private void end(@Nullable ResponseEntity<?> last) {
		synchronized (this) {
			if (this.state == State.DONE) {
				return;
			}
			this.state = State.DONE;
			this.answer = null;
		}
		finish(last);
	}

	private void finish(@Nullable ResponseEntity<?> last) {
		try {
			this.answers.write(this.async, last);
		}
		finally {
			synchronized (this) {
				this.written = true;
				notifyAll();
			}
		}
	}

	/**
	 * The container's listener takes the poll over: it withdraws the poll (or
	 * times it out), writes an answer that has come, and does not return before the request is
	 * complete, since the container answers 500 to a timed-out request that is not. An answer on its
	 * way (taken from the adapter, not yet here) or being written by another thread is waited for,
	 * briefly; none is when the poll still waited.
	 * @param withdraw withdraws or times out the poll; true if it still waited
	 */
	private void takeOver(BooleanSupplier withdraw, @Nullable ResponseEntity<?> fallback) {
		synchronized (this) {
			this.takenOver = true;
		}
		boolean waited = withdraw.getAsBoolean();
		write();
		synchronized (this) {
			long deadline = System.nanoTime() + TAKE_OVER_WAIT.toNanos();
			long left;
			while (!waited && !this.written && this.state != State.ANSWERING
					&& (left = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		write();
		end(fallback);
	}

	/**
	 * The container's view of the parked request. Its completion withdraws the poll if it still waits.
	 * Its timeout (which the adapter's own timer always beats by {@link #FALLBACK_GRACE}) times the
	 * poll out as that timer would and writes the 204; an I/O error withdraws the poll and ends it.
	 */
	private final class Watch implements AsyncListener {

		private final Waiter<T> waiter;

		Watch(Waiter<T> waiter) {
			this.waiter = waiter;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			this.waiter.cancel();
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			timeOut();
		}

		/**
		 * Times the poll out, as the container's timeout does: if it still waits, its 204 comes back
		 * through complete(), with the cursor the adapter reads under its lock, as its own timer would
		 * give it.
		 */
		void timeOut() {
			takeOver(this.waiter::expire, ResponseEntity.noContent().build());
		}

		/**
		 * The connection watch saw the client go: the poll is timed out if it still waits, and its 204
		 * is written as any answer is. Nothing is taken over or waited for: the watch also fires when
		 * the connection closes after the answer, on the thread still writing it, which a wait for
		 * that answer held for a second.
		 */
		void clientGone() {
			this.waiter.expire();
		}

		@Override
		public void onError(AsyncEvent event) {
			// The connection is broken: an answer already taken is tried, else the request just ends.
			takeOver(this.waiter::cancel, null);
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			// The request is started once, before this listener is added.
		}

	}

}
