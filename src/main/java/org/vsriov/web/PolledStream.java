package org.vsriov.web;

import java.util.List;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.Waiter;

import org.springframework.http.HttpMethod;
import org.springframework.web.HttpRequestMethodNotSupportedException;

/**
 * A stream that agents long-poll (the VF's invalidations, the PF's block writes), as its controller
 * gives it to {@link LongPollHandler}, which serves its GET below Spring MVC. The controller keeps
 * the operation's mapping and its OpenAPI description, and refuses what else Spring MVC is sent for
 * the path ({@link #refuse}).
 *
 * @param <T> what news the stream carries
 */
public interface PolledStream<T> {

	/** The header that carries the cursor to poll with next, on every 200 and 204. */
	String CURSOR_HEADER = "Vsriov-Cursor";

	/** The path, as the controller maps it: {@code {vfId}} stands for the VF's id, once. */
	String path();

	/**
	 * Whether a poll takes what it is answered (the plain IOCTL, without a cursor, acknowledges it):
	 * such a poll is withdrawn as soon as its client is seen to go away ({@link ConnectionWatch}).
	 */
	boolean takes(@Nullable String after);

	/** Asks the adapter; {@code done} gets the outcome, at once or later on another thread. */
	Waiter<T> poll(int vfId, @Nullable String after, PollTimeout timeout, Consumer<PollOutcome<T>> done);

	/** The 200's body, from the news and the encoded cursor after it. */
	Object body(int vfId, T news, String cursor);

	/**
	 * What the controller's mapping is sent, the GET being served below it: HEAD is refused (a poll
	 * that took news while no body carried it would lose it); a GET only comes from a test's mock.
	 */
	static HttpRequestMethodNotSupportedException refuse(HttpServletRequest request) {
		if (!HttpMethod.HEAD.matches(request.getMethod())) {
			throw new IllegalStateException("a long poll's GET is served by LongPollHandler, below Spring MVC");
		}
		return new HttpRequestMethodNotSupportedException(request.getMethod(), List.of(HttpMethod.GET.name()));
	}

}
