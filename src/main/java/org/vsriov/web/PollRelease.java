package org.vsriov.web;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Answers every parked long poll (204) when the service stops, and every poll that would park from
 * then on (503 {@code service-stopping}). Graceful shutdown waits for open requests, and a parked poll
 * is one for up to its whole timeout, so this runs first: its phase is above the web server's
 * graceful-shutdown phase ({@code DEFAULT_PHASE - 1024}). It then lets the listen backlog drain
 * and the connections accepted have their requests handled ({@link Arrivals}), so that every
 * connection the kernel accepted gets its answer instead of a reset when graceful shutdown closes
 * the listening socket and the connections without a request.
 */
@Component
class PollRelease implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PollRelease.class);

	// Longer than a SYN's first retransmission (1 s): a burst that overflowed the backlog comes back
	// then. Polls refused while stopping are told to retry after 5 s, so they do not keep it going.
	static final Duration QUIET = Duration.ofMillis(1200);

	// With graceful shutdown after it, meant to fit Docker's 10 s between SIGTERM and SIGKILL: the
	// overload benchmark's burst measured 7.6 to 9.0 s from SIGTERM to exit on a quiet machine, and up to
	// 12.2 s on a busy one (docs/decisions/0007-overload.md).
	private static final Duration DRAIN_LIMIT = Duration.ofSeconds(4);

	private final VirtualAdapter adapter;

	private final Arrivals arrivals;

	private volatile boolean running;

	PollRelease(VirtualAdapter adapter, Arrivals arrivals) {
		this.adapter = adapter;
		this.arrivals = arrivals;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		int parked = this.adapter.stats().parkedPolls();
		int waiting = this.adapter.stats().pendingOidRequests();
		this.adapter.close();
		this.running = false;
		logger.info("Stopping: answered " + parked + " parked poll(s) with 204"
				+ ((waiting > 0) ? " and " + waiting + " VF read(s) or write(s) waiting for the PF with 503" : ""));
		long start = System.nanoTime();
		try {
			if (this.arrivals.awaitQuiet(QUIET, DRAIN_LIMIT)) {
				logger.debug("Stopping: no connection opened or closed for " + QUIET.toMillis() + " ms, and every "
						+ "one has had a request handled, after " + Duration.ofNanos(System.nanoTime() - start).toMillis()
						+ " ms");
			}
			else {
				logger.info("Stopping: connections still arriving after " + DRAIN_LIMIT.toSeconds() + " s ("
						+ this.arrivals.unstarted() + " without a request yet)");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 512;
	}

}
