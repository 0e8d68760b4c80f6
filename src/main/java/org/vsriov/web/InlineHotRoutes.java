package org.vsriov.web;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the hot routes on the thread that read them, Jetty's selector, and hands every other
 * request to the connector's pool (docs/decisions/0010-hot-routes-on-the-selector.md). Jetty hands
 * a request that becomes readable to a pool thread unless the whole handler tree says it never
 * blocks; the servlet layer blocks, so every long poll and PF invalidation cost a hand-off between
 * threads, and on a small VM the context switches were most of their CPU. The hot routes'
 * handlers ({@link LongPollHandler}, {@link CommandHandler}) never block: a poll parks without a
 * thread, a command reads its body as it comes, and answers are written without waiting.
 * Everything else runs on the pool, as before.
 */
final class InlineHotRoutes extends Handler.Wrapper {

	private static final Log logger = LogFactory.getLog(InlineHotRoutes.class);

	/** A handler of hot routes, which never blocks on the requests it serves. */
	interface Route {

		/** Whether it serves the request. */
		boolean serves(Request request);

	}

	private final List<Route> routes;

	// Whether the hot routes run on the selector: not with TLS, whose handshakes would then run
	// there too, nor with a request log, which writes each request's line as it ends. Set at start.
	private volatile boolean inline;

	/** In front of no handler yet: {@link #setHandler} puts the server's in, once it has them all. */
	InlineHotRoutes(List<Route> routes) {
		this.routes = routes;
	}

	/** Whether the hot routes run on the selector thread: known once the server has started. */
	boolean isInline() {
		return this.inline;
	}

	@Override
	protected void doStart() throws Exception {
		Server server = getServer();
		boolean tls = Arrays.stream(server.getConnectors())
			.anyMatch((connector) -> connector.getConnectionFactory(SslConnectionFactory.class) != null);
		this.inline = !tls && server.getRequestLog() == null;
		if (!this.inline) {
			logger.info("The long polls and the PF's invalidations run on Jetty's pool, not on the selector thread: "
					+ (tls ? "TLS is on (server.ssl)" : "a request log is on (server.jetty.accesslog)")
					+ "; they cost more CPU (docs/decisions/0010-hot-routes-on-the-selector.md)");
		}
		super.doStart();
	}

	@Override
	public InvocationType getInvocationType() {
		return this.inline ? InvocationType.NON_BLOCKING : super.getInvocationType();
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (!this.inline) {
			return super.handle(request, response, callback);
		}
		for (Route route : this.routes) {
			if (route.serves(request)) {
				Connector before = ResumedInPlace.serving(request.getConnectionMetaData().getConnector());
				try {
					return super.handle(request, response, callback);
				}
				finally {
					ResumedInPlace.served(before);
				}
			}
		}
		Executor pool = request.getConnectionMetaData().getConnector().getExecutor();
		try {
			pool.execute(() -> handleOnPool(request, response, callback));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("A request could not be handed to the pool", ex);
			response.getHeaders().put(HttpHeader.RETRY_AFTER, ProblemHandler.RETRY_AFTER_SECONDS);
			Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
		}
		return true;
	}

	/** As Jetty would on its own pool thread: a request no handler takes is a 404, a failure fails it. */
	private void handleOnPool(Request request, Response response, Callback callback) {
		try {
			if (!super.handle(request, response, callback)) {
				Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
			}
		}
		catch (Throwable ex) {
			callback.failed(ex);
		}
	}

}
