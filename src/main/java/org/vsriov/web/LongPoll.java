package org.vsriov.web;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Cursor;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.Waiter;

import org.springframework.http.ResponseEntity;

/**
 * One long poll as HTTP, for both streams (the VF's invalidations, the PF's block writes): news is a
 * 200 with the body, a timeout a 204, the end of the VF's life a 410; every answer but the 410 carries
 * the cursor in {@value #CURSOR_HEADER}. A poll the adapter answers at once is answered by the handler
 * like any request. One that parks holds a connection, not a thread: a Servlet async request, answered
 * later by {@link LongPolls#write} on the container's pool.
 *
 * @param <T> what news the stream carries
 * @param <B> the 200's body
 */
public final class LongPoll<T, B> {

	public static final String CURSOR_HEADER = "Vsriov-Cursor";

	// Only if the adapter's own timer has not answered by then (it always should): a 204, never a 503.
	private static final Duration FALLBACK_GRACE = Duration.ofSeconds(10);

	private enum State {

		/** The adapter is being asked: an outcome now is answered by the handler. */
		ASKING,

		/** Parked as an async request: the first outcome is written by the container's pool. */
		PARKED,

		/** Answered, or given up: later outcomes are dropped. */
		DONE

	}

	private final LongPolls polls;

	private final HttpServletRequest request;

	private final HttpServletResponse response;

	private final PollTimeout timeout;

	private final Supplier<Cursor> cursor;

	private final BiFunction<T, String, B> body;

	// Guarded by this.
	private State state = State.ASKING;

	// Guarded by this: an outcome that came while the adapter was being asked.
	private @Nullable PollOutcome<T> early;

	// Set once, under this, before the state becomes PARKED.
	private @Nullable AsyncContext async;

	LongPoll(LongPolls polls, HttpServletRequest request, HttpServletResponse response, PollTimeout timeout,
			Supplier<Cursor> cursor, BiFunction<T, String, B> body) {
		this.polls = polls;
		this.request = request;
		this.response = response;
		this.timeout = timeout;
		this.cursor = cursor;
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
		synchronized (this) {
			if (this.early != null) {
				this.state = State.DONE;
				return response(this.early);
			}
			try {
				this.async = this.request.startAsync(this.request, this.response);
				this.async.setTimeout(this.timeout.duration().plus(FALLBACK_GRACE).toMillis());
				this.async.addListener(new Watch(waiter));
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

	/** The adapter's callback: at once, or later on another thread; only the first outcome counts. */
	private void complete(PollOutcome<T> outcome) {
		synchronized (this) {
			if (this.state == State.ASKING) {
				this.early = outcome;
				return;
			}
			if (this.state != State.PARKED) {
				return;
			}
			this.state = State.DONE;
		}
		AsyncContext parked = this.async;
		ResponseEntity<?> answer = (outcome instanceof PollOutcome.Ended<T> ended)
				? this.polls.problem(ended(ended.fault(), ended.vfId()), this.request.getRequestURI())
				: response(outcome);
		parked.start(() -> this.polls.write(parked, answer));
	}

	/** The answer to a delivery or a timeout; the end of a life is thrown, for the 410. */
	private ResponseEntity<B> response(PollOutcome<T> outcome) {
		if (outcome instanceof PollOutcome.Delivered<T> delivered) {
			String next = delivered.cursor().encode();
			return ResponseEntity.ok().header(CURSOR_HEADER, next).body(this.body.apply(delivered.news(), next));
		}
		if (outcome instanceof PollOutcome.Ended<T> ended) {
			throw ended(ended.fault(), ended.vfId());
		}
		return timedOut(((PollOutcome.TimedOut<T>) outcome).cursor());
	}

	private static AdapterException ended(Fault fault, int vfId) {
		String detail = (fault == Fault.VF_GONE)
				? "VF " + vfId + " was freed (OID_NIC_SWITCH_FREE_VF) while the poll waited; it is not found until "
						+ "the PF allocates it again"
				: "VF " + vfId + " was reset (OID_SRIOV_RESET_VF) while the poll waited; re-read every block you "
						+ "care about and poll again without a cursor";
		return new AdapterException(fault, detail, Map.of("vfId", vfId));
	}

	private static <B> ResponseEntity<B> timedOut(@Nullable Cursor cursor) {
		var answer = ResponseEntity.noContent();
		if (cursor != null) {
			answer.header(CURSOR_HEADER, cursor.encode());
		}
		return answer.build();
	}

	/**
	 * Whether the poll is still parked, making it done if so: the container's own ends (its timeout,
	 * an I/O error) answer only a poll that nothing else has.
	 */
	private synchronized boolean giveUp() {
		boolean parked = this.state == State.PARKED;
		this.state = State.DONE;
		return parked;
	}

	/**
	 * The container's view of the parked request. Its completion withdraws the poll if it still waits;
	 * so does a timeout, which answers 204 if the adapter's own timer has not (it always should), and
	 * an I/O error.
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
			this.waiter.cancel();
			if (giveUp()) {
				LongPoll.this.polls.write(LongPoll.this.async, timedOut(currentCursor()));
			}
		}

		@Override
		public void onError(AsyncEvent event) {
			this.waiter.cancel();
			if (giveUp()) {
				LongPoll.this.async.complete();
			}
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			// The request is started once, before this listener is added.
		}

		private @Nullable Cursor currentCursor() {
			try {
				return LongPoll.this.cursor.get();
			}
			catch (AdapterException ex) {
				return null;
			}
		}

	}

}
