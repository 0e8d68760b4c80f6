package org.vsriov.web;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.Faults;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VsriovProperties;
import org.vsriov.adapter.Waiter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Serves the long polls' GETs as a Jetty core handler, below the servlet layer and Spring MVC,
 * which cost more than half of the CPU of a delivery and most of a parked poll's heap
 * (docs/decisions/0008-hot-path-below-spring-mvc.md). The request is checked as Spring MVC would
 * check it, the adapter asked, and its outcome written with {@link Response#write} from whichever
 * thread has it: Jetty's core API allows that at any time, so a parked poll is just a request whose
 * callback has not been called yet, with no dispatch to wait for.
 * <p>
 * Every other method on these paths (HEAD, which is refused; OPTIONS) goes on to Spring MVC, where
 * each stream's controller keeps its mapping and OpenAPI description ({@link PolledStream}).
 */
final class LongPollHandler extends Handler.Wrapper implements InlineHotRoutes.Route {

	/** The long polls' paths (within the context), for the busy limits, metrics and OpenAPI. */
	static final Pattern PATHS = Pattern.compile("/api/v1/(vfs/[^/]+/invalidations|pf/vfs/[^/]+/block-writes)");

	private static final Log logger = LogFactory.getLog(LongPollHandler.class);

	// How long past its timeout a parked poll is given before it is timed out by Jetty's idle
	// timeout instead of the adapter's timer, which always answers first.
	private static final Duration FALLBACK_GRACE = Duration.ofSeconds(10);

	private final VsriovProperties properties;

	private final CoreAnswers answers;

	private final CoreAnswers.Routes<PolledStream<?>> routes;

	LongPollHandler(VsriovProperties properties, ObjectProvider<PolledStream<?>> streams, CoreAnswers answers) {
		this.properties = properties;
		this.answers = answers;
		this.routes = new CoreAnswers.Routes<>(streams, PolledStream::path);
	}

	/** Whether a request is one of the long polls this handler serves. */
	@Override
	public boolean serves(Request request) {
		return HttpMethod.GET.is(request.getMethod()) && this.routes.match(request, getServer()) != null;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (!HttpMethod.GET.is(request.getMethod())) {
			return super.handle(request, response, callback);
		}
		CoreAnswers.Route<PolledStream<?>> route = this.routes.match(request, getServer());
		if (route == null) {
			return super.handle(request, response, callback);
		}
		new Poll<>(route.target(), request, response, callback).start(route.id());
		return true;
	}

	/**
	 * One poll, from its request to its answer. The answer is written once, by whichever thread has
	 * the outcome.
	 */
	private final class Poll<T> implements Consumer<PollOutcome<T>> {

		private final PolledStream<T> stream;

		private final Request request;

		private final Response response;

		private final Callback callback;

		private int vfId;

		// Guarded by this, as the fields below.
		private boolean answered;

		// The connection failed before the waiter was known: it is withdrawn once it is.
		private @Nullable Throwable failure;

		private @Nullable Waiter<T> waiter;

		Poll(PolledStream<T> stream, Request request, Response response, Callback callback) {
			this.stream = stream;
			this.request = request;
			this.response = response;
			this.callback = callback;
		}

		/**
		 * Checks the request as the servlet filters and Spring MVC would, in their order, before the
		 * adapter is asked (a plain poll acknowledges what it takes: a refusal after that would lose
		 * bits), then asks it.
		 */
		void start(String id) {
			Waiter<T> waiter;
			boolean takes;
			try {
				ResponseEntity<?> refusal = refusal(id);
				if (refusal != null) {
					send(refusal);
					return;
				}
				PollParameters parameters;
				try {
					parameters = PollParameters.of(this.request);
				}
				catch (IllegalArgumentException ex) {
					// Jetty's 400, as on every other path.
					this.callback.failed(new BadMessageException(HttpStatus.BAD_REQUEST_400, null, ex));
					return;
				}
				String after = parameters.after();
				PollTimeout timeout = PollTimeout.parse(parameters.timeout(), LongPollHandler.this.properties.poll());
				// Past the timeout, the longest a fault rule may delay the answer, and a grace.
				long deadline = System.nanoTime()
						+ timeout.duration().plus(Faults.MAX_DELAY).plus(FALLBACK_GRACE).toNanos();
				this.request.addIdleTimeoutListener((ex) -> !isNotIdle(deadline));
				this.request.addFailureListener(this::failed);
				takes = this.stream.takes(after);
				waiter = this.stream.poll(this.vfId, after, timeout, this);
			}
			catch (AdapterException ex) {
				send(ProblemHandler.problem(ex));
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("A long poll failed", ex);
				send(ProblemHandler.internalError("the long poll failed"));
				return;
			}
			park(waiter, takes);
		}

		/** The refusal of a request the body limit, the content negotiation or the VF id refuses, or null. */
		private @Nullable ResponseEntity<?> refusal(String id) {
			ResponseEntity<?> tooLarge = CoreAnswers.bodyTooLarge(this.request);
			if (tooLarge != null) {
				return tooLarge;
			}
			ProblemDetail unparsable = ContentNegotiation.unparsable(
					this.request.getHeaders().getValuesList(HttpHeader.ACCEPT),
					this.request.getHeaders().get(HttpHeader.CONTENT_TYPE));
			if (unparsable != null) {
				return ResponseEntity.badRequest().body(unparsable);
			}
			Integer vfId = DecimalIds.parse(id);
			if (vfId == null) {
				return ResponseEntity.badRequest().body(ProblemHandler.notDecimal("vfId", id, LongPollHandler.this.properties));
			}
			this.vfId = vfId;
			return null;
		}

		/**
		 * Whether Jetty's idle timeout, which comes every I/O timeout while the poll is parked (it
		 * does no I/O), should leave the request be. Within its timeout and a grace, yes. Past that,
		 * the adapter's timer has failed to answer it (it never should): it is timed out as that
		 * timer would (its 204 comes through {@link #accept}), or, if it no longer waits, Jetty ends
		 * the request.
		 */
		private boolean isNotIdle(long deadline) {
			if (System.nanoTime() - deadline < 0) {
				return true;
			}
			Waiter<T> waiter;
			synchronized (this) {
				waiter = this.answered ? null : this.waiter;
			}
			logger.warn("A parked long poll outlived its timeout by " + FALLBACK_GRACE.plus(Faults.MAX_DELAY).toSeconds()
					+ " s: "
					+ this.request.getHttpURI().getPathQuery());
			return waiter != null && waiter.expire();
		}

		/**
		 * The adapter has taken the poll: answered, or parked. A parked poll that takes what it is
		 * answered starts watching its connection: it must not take anything for a client that has
		 * gone away, which then gets a 204 if it can still read (a timed-out poll takes nothing).
		 */
		private void park(Waiter<T> waiter, boolean takes) {
			Throwable failure;
			synchronized (this) {
				this.waiter = waiter;
				failure = this.failure;
				if (!this.answered && failure == null && takes) {
					// Under the lock: no answer is written while the watch sets its header (if the
					// watch finds the client gone at once, its 204 is written here, under the lock:
					// the write does not block).
					ConnectionWatch.watch(this.request, this.response, waiter::expire);
				}
			}
			if (failure != null) {
				withdraw(waiter, failure);
			}
		}

		/** The connection failed: a poll that still waits is withdrawn, gets no outcome, and ends. */
		private void failed(Throwable failure) {
			Waiter<T> waiter;
			synchronized (this) {
				this.failure = failure;
				waiter = this.waiter;
			}
			if (waiter != null) {
				withdraw(waiter, failure);
			}
		}

		private void withdraw(Waiter<T> waiter, Throwable failure) {
			if (waiter.cancel()) {
				this.callback.failed(failure);
			}
		}

		/**
		 * The adapter's callback: writes the answer on whichever thread ended the wait (the
		 * request's own; a request that brings news or supersedes the poll: the PF's invalidation,
		 * the VF's write, a newer poll; the adapter's timer; a free, reset or shutdown; the
		 * connection's watch or idle timeout). The write does not block: Jetty hands the bytes to
		 * the socket, or finishes later on its own threads. Never throws, not even an {@link Error}:
		 * the adapter completes other polls on this thread after it.
		 */
		@Override
		public void accept(PollOutcome<T> outcome) {
			synchronized (this) {
				if (this.answered) {
					return;
				}
				this.answered = true;
			}
			try {
				answer(outcome);
			}
			catch (Throwable ex) {
				this.callback.failed(ex);
			}
		}

		/**
		 * News is a 200 with the body, a timeout a 204, the end of the VF's life a 410 problem; an
		 * answer that cannot be made is a 500 (and if that fails too, {@link #accept} fails the request).
		 */
		private void answer(PollOutcome<T> outcome) {
			try {
				if (outcome instanceof PollOutcome.Delivered<T> delivered) {
					String next = delivered.cursor().encode();
					LongPollHandler.this.answers.send(this.request, this.response, this.callback, HttpStatus.OK_200,
							PolledStream.CURSOR_HEADER, next, this.stream.body(this.vfId, delivered.news(), next));
				}
				else if (outcome instanceof PollOutcome.Ended<T> ended) {
					send(ProblemHandler.problem(ended(ended.fault(), ended.vfId())));
				}
				else if (outcome instanceof PollOutcome.Dropped<T>) {
					// A fault rule: the answer is lost in transit. The connection closes with nothing sent.
					this.request.getConnectionMetaData().getConnection().getEndPoint().close();
					this.callback.failed(new EofException("dropped by a fault rule"));
				}
				else {
					String cursor = ((PollOutcome.TimedOut<T>) outcome).cursor().encode();
					LongPollHandler.this.answers.send(this.request, this.response, this.callback,
							HttpStatus.NO_CONTENT_204, PolledStream.CURSOR_HEADER, cursor, null);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("A long poll's answer could not be written: " + outcome, ex);
				send(ProblemHandler.internalError("the long poll's answer could not be written"));
			}
		}

		private void send(ResponseEntity<?> answer) {
			LongPollHandler.this.answers.send(this.request, this.response, this.callback, answer);
		}

	}

	private static AdapterException ended(Fault fault, int vfId) {
		String detail = (fault == Fault.VF_GONE)
				? "VF " + vfId + " was freed (OID_NIC_SWITCH_FREE_VF, or a reset of the whole adapter) before the poll "
						+ "was answered; once it is allocated again, re-read every block and poll without a cursor"
				: "VF " + vfId + " was reset (OID_SRIOV_RESET_VF) before the poll was answered; re-read every block you "
						+ "care about and poll again without a cursor";
		return new AdapterException(fault, detail, Map.of("vfId", vfId));
	}

}
