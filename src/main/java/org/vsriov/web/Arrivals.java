package org.vsriov.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

import org.springframework.stereotype.Component;

/**
 * When the server last accepted or closed a connection, and which of its connections have not begun a
 * request yet. At a stop, connections the kernel has queued but the server not yet accepted would be
 * reset when the listening socket closes, and connections accepted whose request has not been read
 * yet (in a burst, thousands wait for a thread) would be closed: so the stop first waits for a moment
 * with neither. (A poll refused while stopping closes its connection, so a late one counts.)
 */
@Component
class Arrivals implements Connection.Listener {

	// How often a wait looks at the connections again.
	private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private volatile long last = System.nanoTime();

	private final List<Server> servers = new CopyOnWriteArrayList<>();

	/** Also watches the server's connections for requests not begun yet. */
	void watch(Server server) {
		this.servers.add(server);
	}

	@Override
	public void onOpened(Connection connection) {
		this.last = System.nanoTime();
	}

	@Override
	public void onClosed(Connection connection) {
		this.last = System.nanoTime();
	}

	/**
	 * Waits until no connection has been accepted or closed for {@code quiet} and every HTTP/1
	 * connection has begun a request, for at most {@code limit}.
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

	/** Connections of the watched servers that have not begun their first request. */
	int unstarted() {
		int unstarted = 0;
		for (Server server : this.servers) {
			for (Connector connector : server.getConnectors()) {
				for (EndPoint endPoint : connector.getConnectedEndPoints()) {
					Connection connection = endPoint.getConnection();
					// An HTTP/1 connection counts the requests it has begun (TLS's says -1).
					if (connection != null && connection.getMessagesIn() == 0) {
						unstarted++;
					}
				}
			}
		}
		return unstarted;
	}

}
