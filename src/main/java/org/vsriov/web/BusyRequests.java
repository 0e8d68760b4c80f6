package org.vsriov.web;

import java.time.Duration;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * Keeps threads and CPU for the PF side and health: requests that can hold a thread for long (a
 * large answer to a client that reads slowly or not at all) or take much CPU are handled at most
 * {@code max} at once; more wait without a thread, in arrival order, and get a 503 problem with
 * {@code Retry-After} if they wait longer than the I/O timeout (or 1024 wait already). Jetty's
 * {@link QoSHandler}, with vsriov's idea of which requests are which: see {@link #any} and
 * {@link #adapterReads}.
 */
final class BusyRequests extends QoSHandler {

	/** The PF's long poll over the OID requests (a Spring MVC DeferredResult), within the servlet context. */
	static final String OID_REQUESTS = "/api/v1/pf/oid-requests";

	/** The test instrument's long poll over the journal (a Spring MVC DeferredResult), within the servlet context. */
	static final String JOURNAL = "/api/v1/admin/journal";

	// The servlet context's path, "" for the root; found on the first request.
	private volatile @Nullable String contextPath;

	private BusyRequests(int max, Duration maxWait) {
		setMaxRequestCount(max);
		setMaxSuspend(maxWait);
	}

	/**
	 * Every request but PF commands (every PF request but a GET), long polls (which hold no thread
	 * while they wait, and are bounded on their own) and the actuator, which are never held back; and
	 * {@link #adapterReads}, which have a limit of their own (in this one too, those waiting for it
	 * would take every place). Nor requests on the PF listener, whose threads are its bound.
	 * @param max requests handled at once, or 0 for half the server's threads
	 */
	static BusyRequests any(int max, Duration maxWait) {
		var busy = new BusyRequests(max, maxWait);
		busy.exclude((request) -> {
			String path = busy.pathInServletContext(request);
			return PfListener.isOn(request) || isNeverHeldBack(request.getMethod(), path) || isAdapterRead(path);
		});
		return busy;
	}

	/**
	 * {@code GET /api/v1/pf} (but on the PF listener), whose answer lists every VF (708 KB with
	 * 4,000): 400 clients asking for it without reading the answers kept both cores busy building
	 * them, and the PF's own requests waited 200 to 500 ms (docs/decisions/0007-overload.md).
	 * @param max requests handled at once
	 */
	static BusyRequests adapterReads(int max, Duration maxWait) {
		var busy = new BusyRequests(max, maxWait);
		busy.include((request) -> !PfListener.isOn(request) && isAdapterRead(busy.pathInServletContext(request)));
		return busy;
	}

	/**
	 * The request's path within the servlet context ({@code server.servlet.context-path}): these
	 * handlers come before it, where a path still has the context's in front.
	 */
	private String pathInServletContext(Request request) {
		String contextPath = this.contextPath;
		if (contextPath == null) {
			contextPath = CoreAnswers.servletContextPath(getServer());
			this.contextPath = contextPath;
		}
		String path = Request.getPathInContext(request);
		return path.startsWith(contextPath) ? path.substring(contextPath.length()) : path;
	}

	private static boolean isAdapterRead(String path) {
		return "/api/v1/pf".equals(path);
	}

	/**
	 * Whether a request is one that is never held back: a PF or admin command, a long poll (the PF's
	 * over OID requests and the journal's too), the actuator. The
	 * paths are the service's own, within the servlet context: with the actuator's base path
	 * changed, it would be held back too.
	 */
	static boolean isNeverHeldBack(String method, String path) {
		boolean get = HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
		return path.startsWith("/actuator/") || (!get && (path.startsWith("/api/v1/pf") || path.startsWith("/api/v1/admin")))
				|| LongPollHandler.PATHS.matcher(path).matches() || OID_REQUESTS.equals(path)
				|| JOURNAL.equals(path);
	}

	@Override
	protected void reject(Request request, Response response, Callback callback, int status) {
		response.getHeaders().put(HttpHeader.RETRY_AFTER, ProblemHandler.RETRY_AFTER_SECONDS);
		super.reject(request, response, callback, status);
	}

	@Override
	protected void failSuspended(Request request, Response response, Callback callback, int status,
			Throwable failure) {
		response.getHeaders().put(HttpHeader.RETRY_AFTER, ProblemHandler.RETRY_AFTER_SECONDS);
		super.failSuspended(request, response, callback, status, failure);
	}

}
