package org.vsriov.web;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

import org.springframework.stereotype.Component;

/**
 * When the server last accepted or closed a connection, and which of its connections have not had a
 * request handled yet. At a stop, connections the kernel has queued but the server not yet accepted
 * would be reset when the listening socket closes, and connections accepted whose request has not
 * reached the handlers (in a burst, thousands wait for a thread, or for a slow client to send it)
 * would be closed by graceful shutdown, which counts only requests being handled: so the stop first
 * waits for a moment with neither. (A poll refused while stopping closes its connection, so a late
 * one counts.)
 */
@Component
class Arrivals implements Connection.Listener {

	// How often a wait looks at the connections again.
	private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private volatile long last = System.nanoTime();

	private final List<Server> servers = new CopyOnWriteArrayList<>();

	// Connections that have had a request reach the handlers: graceful shutdown counts it from there.
	private final Set<Connection> handled = ConcurrentHashMap.newKeySet();

	/**
	 * Watches the server's connections for requests not handled yet: call this once the server's
	 * handlers are in place; the handler it puts in front of them notes each connection's requests
	 * (inside Spring Boot's graceful-shutdown handler, which wraps everything after).
	 */
	void watch(Server server) {
		this.servers.add(server);
		var noting = new Handler.Wrapper(server.getHandler()) {
			@Override
			public boolean handle(Request request, Response response, Callback callback) throws Exception {
				Arrivals.this.handled.add(request.getConnectionMetaData().getConnection());
				return super.handle(request, response, callback);
			}
		};
		server.setHandler(noting);
	}

	@Override
	public void onOpened(Connection connection) {
		this.last = System.nanoTime();
	}

	@Override
	public void onClosed(Connection connection) {
		this.handled.remove(connection);
		this.last = System.nanoTime();
	}

	/**
	 * Waits until no connection has been accepted or closed for {@code quiet} and every connection
	 * has had a request handled, for at most {@code limit}. A connection that never sends anything
	 * (a client's pre-opened one) holds it to the limit.
	 * @return whether that came within the limit
	 */
	boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
		long end = System.nanoTime() + limit.toNanos();
		while (true) {
			long now = System.nanoTime();
			long wait = this.last + quiet.toNanos() - now;
			if (wait <= 0 && unstarted() == 0) {
				return true;
			}
			if (now >= end) {
				return false;
			}
			TimeUnit.NANOSECONDS.sleep(Math.min(Math.max(wait, LOOK_NANOS), end - now));
		}
	}

	/** Connections of the watched servers that have not had a request handled. */
	int unstarted() {
		int unstarted = 0;
		for (Server server : this.servers) {
			for (Connector connector : server.getConnectors()) {
				for (EndPoint endPoint : connector.getConnectedEndPoints()) {
					Connection connection = endPoint.getConnection();
					// Over TLS, the requests are the decrypted side's.
					if (connection instanceof SslConnection ssl) {
						connection = ssl.getSslEndPoint().getConnection();
					}
					if (connection != null && !this.handled.contains(connection)) {
						unstarted++;
					}
				}
			}
		}
		return unstarted;
	}

}
