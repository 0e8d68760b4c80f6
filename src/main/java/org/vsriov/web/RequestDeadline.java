package org.vsriov.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A deadline for a request to arrive, which Jetty lacks: every byte resets its idle timeout, so a
 * client that sends a header a byte a second (slowloris) holds its connection for ever. A sweep, a
 * few times per deadline, notes for each HTTP/1 connection how many requests it has begun and how
 * many bytes it has read; a connection that has read bytes since its last request began, and still
 * has not begun the next after the deadline, is closed, as nginx's {@code client_header_timeout}
 * does. An idle keep-alive connection reads nothing and is left to the idle timeout.
 */
final class RequestDeadline extends AbstractLifeCycle implements Runnable {

	private static final Log logger = LogFactory.getLog(RequestDeadline.class);

	private final Server server;

	private final long deadline;

	private final long period;

	// Only the sweep reads and replaces it.
	private Map<Connection, Arrival> arriving = new HashMap<>();

	private volatile Scheduler.Task next;

	RequestDeadline(Server server, Duration deadline) {
		this.server = server;
		this.deadline = deadline.toNanos();
		// A connection is closed between one and one and a quarter deadlines after its first byte.
		this.period = Math.max(this.deadline / 4, TimeUnit.MILLISECONDS.toNanos(25));
	}

	@Override
	protected void doStart() {
		schedule();
	}

	@Override
	protected void doStop() {
		Scheduler.Task task = this.next;
		if (task != null) {
			task.cancel();
		}
	}

	private void schedule() {
		if (isRunning() || isStarting()) {
			this.next = this.server.getScheduler().schedule(this, this.period, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void run() {
		try {
			sweep(System.nanoTime());
		}
		catch (RuntimeException ex) {
			logger.warn("The request deadline sweep failed; it runs again", ex);
		}
		schedule();
	}

	void sweep(long now) {
		var seen = new HashMap<Connection, Arrival>(this.arriving.size() + 16);
		int closed = 0;
		for (Connector connector : this.server.getConnectors()) {
			for (EndPoint endPoint : connector.getConnectedEndPoints()) {
				Connection connection = endPoint.getConnection();
				// Only HTTP/1 connections count their requests; TLS's, for one, says -1, and would be
				// closed by the deadline whatever it carried.
				if (connection == null || connection.getMessagesIn() < 0) {
					continue;
				}
				Arrival arrival = Arrival.next(this.arriving.get(connection), connection.getMessagesIn(),
						connection.getBytesIn(), now);
				if (arrival.since() != 0 && now - arrival.since() >= this.deadline) {
					endPoint.close();
					closed++;
				}
				else {
					seen.put(connection, arrival);
				}
			}
		}
		this.arriving = seen;
		if (closed > 0) {
			logger.info("Closed " + closed + " connection(s) whose request took over "
					+ TimeUnit.NANOSECONDS.toMillis(this.deadline) + " ms to arrive (vsriov.http.request-head-timeout)");
		}
	}

	/**
	 * What a sweep saw of a connection.
	 *
	 * @param requests the requests it had begun
	 * @param bytes the bytes it had read when the last of them began (as far as the sweeps can tell)
	 * @param since when a sweep first saw bytes read after that, or 0 if none was
	 */
	record Arrival(long requests, long bytes, long since) {

		static Arrival next(Arrival last, long requests, long bytes, long now) {
			if (last == null) {
				// A new connection has read nothing before its first request.
				return (requests == 0) ? new Arrival(0, 0, (bytes > 0) ? now : 0) : new Arrival(requests, bytes, 0);
			}
			if (requests != last.requests) {
				return new Arrival(requests, bytes, 0);
			}
			if (last.since == 0 && bytes != last.bytes) {
				return new Arrival(requests, last.bytes, now);
			}
			return last;
		}

	}

}
