package org.vsriov.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Cursor;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VsriovProperties;
import org.vsriov.adapter.Waiter;

import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * One long poll as HTTP, for both streams (the VF's invalidations, the PF's block writes): news is a
 * 200 with the body, a timeout a 204, the end of the VF's life a 410; every answer but the 410 carries
 * the cursor in {@value #CURSOR_HEADER}. A parked poll holds a connection, not a thread.
 *
 * @param <T> what news the stream carries
 * @param <B> the 200's body
 */
public final class LongPoll<T, B> {

	public static final String CURSOR_HEADER = "Vsriov-Cursor";

	// Only if the adapter's own timer has not answered by then (it always should): a 204, never a 503.
	private static final Duration FALLBACK_GRACE = Duration.ofSeconds(10);

	private final PollTimeout timeout;

	private final DeferredResult<ResponseEntity<B>> result;

	private final BiFunction<T, String, B> body;

	/**
	 * Checks the request before the adapter is asked (a refused poll must change nothing): HEAD, which
	 * Spring serves with GET mappings, is refused, since a poll that takes news while no body carries
	 * it would lose it; and the timeout must parse and be within the maximum.
	 * @param method the request's method
	 * @param timeout the {@code timeout} parameter, or null for the default
	 * @param limits the configured default and maximum
	 * @param cursor the stream's current cursor, for the fallback 204
	 * @param body the 200's body, from the news and the encoded cursor after it
	 */
	public LongPoll(HttpMethod method, String timeout, VsriovProperties.Poll limits, Supplier<Cursor> cursor,
			BiFunction<T, String, B> body) throws HttpRequestMethodNotSupportedException {
		if (method == HttpMethod.HEAD) {
			throw new HttpRequestMethodNotSupportedException(method.name(), List.of(HttpMethod.GET.name()));
		}
		this.timeout = PollTimeout.parse(timeout, limits);
		this.result = new DeferredResult<>(this.timeout.duration().plus(FALLBACK_GRACE).toMillis(),
				() -> fallback(cursor));
		this.body = body;
	}

	/** The poll's timeout, parsed. */
	public PollTimeout timeout() {
		return this.timeout;
	}

	/** Answers the poll with its outcome; the adapter calls this, at once or later on another thread. */
	public void complete(PollOutcome<T> outcome) {
		if (outcome instanceof PollOutcome.Delivered<T> delivered) {
			String cursor = delivered.cursor().encode();
			this.result.setResult(ResponseEntity.ok()
				.header(CURSOR_HEADER, cursor)
				.body(this.body.apply(delivered.news(), cursor)));
		}
		else if (outcome instanceof PollOutcome.TimedOut<T> timedOut) {
			this.result.setResult(timedOut(timedOut.cursor()));
		}
		else if (outcome instanceof PollOutcome.Ended<T> ended) {
			this.result.setErrorResult(ended(ended.fault(), ended.vfId()));
		}
	}

	/**
	 * The result to return from the handler. A client that goes away, or the fallback timeout,
	 * withdraws the poll before it can take news.
	 */
	public DeferredResult<ResponseEntity<B>> watch(Waiter<T> waiter) {
		this.result.onTimeout(waiter::cancel);
		this.result.onError((ex) -> waiter.cancel());
		this.result.onCompletion(waiter::cancel);
		return this.result;
	}

	private static AdapterException ended(Fault fault, int vfId) {
		String detail = (fault == Fault.VF_GONE)
				? "VF " + vfId + " was freed (OID_NIC_SWITCH_FREE_VF) while the poll waited; it is not found until "
						+ "the PF allocates it again"
				: "VF " + vfId + " was reset (OID_SRIOV_RESET_VF) while the poll waited; re-read every block you "
						+ "care about and poll again without a cursor";
		return new AdapterException(fault, detail, Map.of("vfId", vfId));
	}

	private ResponseEntity<B> fallback(Supplier<Cursor> cursor) {
		try {
			return timedOut(cursor.get());
		}
		catch (AdapterException ex) {
			return ResponseEntity.noContent().build();
		}
	}

	private static <B> ResponseEntity<B> timedOut(Cursor cursor) {
		return ResponseEntity.noContent().header(CURSOR_HEADER, cursor.encode()).build();
	}

}
