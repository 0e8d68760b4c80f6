package org.vsriov.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;

import org.springframework.stereotype.Component;

/**
 * When the server last accepted a connection. At a stop, connections the kernel has queued but the
 * server not yet accepted would be reset when the listening socket closes, so the stop first waits
 * for the queue to drain: for a moment with no new connection.
 */
@Component
class Arrivals implements Connection.Listener {

	private volatile long last = System.nanoTime();

	@Override
	public void onOpened(Connection connection) {
		this.last = System.nanoTime();
	}

	@Override
	public void onClosed(Connection connection) {
	}

	/**
	 * Waits until no connection has been accepted for {@code quiet}, for at most {@code limit}.
	 * @return whether it went quiet within the limit
	 */
	boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
		long end = System.nanoTime() + limit.toNanos();
		long wait;
		while ((wait = this.last + quiet.toNanos() - System.nanoTime()) > 0) {
			if (System.nanoTime() + wait > end) {
				return false;
			}
			TimeUnit.NANOSECONDS.sleep(wait);
		}
		return true;
	}

}
