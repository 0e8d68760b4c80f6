package org.vsriov.web;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A watch for a parked request's client going away. Jetty does not read a connection whose HTTP/1.1
 * request is still being handled, so a FIN or RST goes unnoticed until the answer is written or the poll times out; the watch reads it
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
	 * request that is not on an HTTP/1 connection.
	 */
	static void watch(Request request, Response response, Runnable gone) {
		if (request.getConnectionMetaData().getHttpVersion().getVersion() > HttpVersion.HTTP_1_1.getVersion()) {
			return;
		}
		response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
		var watch = new ConnectionWatch(request.getConnectionMetaData().getConnection().getEndPoint(), gone);
		watch.endPoint.tryFillInterested(watch);
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
