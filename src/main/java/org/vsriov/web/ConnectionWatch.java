package org.vsriov.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Jetty's side of a parked request: where its answer is written from, and a watch for its client
 * going away. Jetty does not read a connection whose HTTP/1.1 request is still being handled, so a
 * FIN or RST goes unnoticed until the answer is written or the poll times out; the watch reads it
 * instead. The price: what the client sends meanwhile (a pipelined request) is read and dropped, so
 * the connection closes after the answer ({@code Connection: close}) rather than carry another
 * request (docs/decisions/0005-gone-clients.md).
 */
final class ConnectionWatch implements Callback {

	private final EndPoint endPoint;

	private final Runnable gone;

	private final ByteBuffer scratch = ByteBuffer.allocate(256);

	private ConnectionWatch(EndPoint endPoint, Runnable gone) {
		this.endPoint = endPoint;
		this.gone = gone;
	}

	/**
	 * Calls {@code gone} once the client has closed, half-closed or reset the request's connection, or
	 * the connection has failed, and says {@code Connection: close} on the answer. Does nothing for a
	 * request that is not on an HTTP/1 connection of Jetty's.
	 */
	static void watch(HttpServletRequest request, HttpServletResponse response, Runnable gone) {
		ServletContextRequest jetty = jetty(request);
		if (jetty == null || !request.getProtocol().startsWith("HTTP/1.")) {
			return;
		}
		response.setHeader(HttpHeaders.CONNECTION, "close");
		var watch = new ConnectionWatch(jetty.getConnectionMetaData().getConnection().getEndPoint(), gone);
		watch.endPoint.tryFillInterested(watch);
	}

	/**
	 * Where a parked request's answer is written from: Jetty's pool, in the request's context; for a
	 * request that is not Jetty's, the container's {@link AsyncContext#start}. (Jetty's own
	 * {@code AsyncContext.start} fails, with a warning in the log, a job that runs after the request
	 * was completed, which another thread may well have done.)
	 */
	static Executor executor(HttpServletRequest request, AsyncContext async) {
		ServletContextRequest jetty = jetty(request);
		return (jetty != null) ? jetty.getContext() : async::start;
	}

	private static @Nullable ServletContextRequest jetty(HttpServletRequest request) {
		try {
			return ServletContextRequest.getServletContextRequest(request);
		}
		catch (IllegalStateException ex) {
			return null; // not Jetty's (a test's mock request)
		}
	}

	/** The connection can be read: the client closed it, or sent more (read and dropped). */
	@Override
	public void succeeded() {
		try {
			int read;
			do {
				this.scratch.clear().flip();
				read = this.endPoint.fill(this.scratch);
			}
			while (read > 0);
			if (read < 0) {
				// Closed, or half-closed: either way the client is taken as gone, as nginx takes it.
				this.gone.run();
			}
			else if (!this.endPoint.tryFillInterested(this)) {
				// Someone else reads it now: the connection is ending.
				this.gone.run();
			}
		}
		catch (IOException ex) {
			this.gone.run();
		}
	}

	/** The connection failed or was closed (also at the end of a request answered with Connection: close). */
	@Override
	public void failed(Throwable cause) {
		this.gone.run();
	}

}
