package org.vsriov.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;

import org.springframework.stereotype.Component;

/**
 * When the server last accepted or closed a connection. At a stop, connections the kernel has queued
 * but the server not yet accepted would be reset when the listening socket closes, and connections
 * accepted whose request has not come yet would be closed: so the stop first waits for a moment with
 * neither. (A poll refused while stopping closes its connection, so a late one counts.)
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
		this.last = System.nanoTime();
	}

	/**
	 * Waits until no connection has been accepted or closed for {@code quiet}, for at most {@code limit}.
	 * @return whether it went quiet within the limit
	 */
	boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
		long end = System.nanoTime() + limit.toNanos();
		long wait;
		while ((wait = this.last + quiet.toNanos() - System.nanoTime()) > 0) {
			long left = end - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			TimeUnit.NANOSECONDS.sleep(Math.min(wait, left));
		}
		return true;
	}

}
