package org.vsriov.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Answers every parked long poll (204) when the service stops. Graceful shutdown waits for open
 * requests, and a parked poll is one for up to its whole timeout, so this runs first: its phase is
 * above the web server's graceful-shutdown phase ({@code DEFAULT_PHASE - 1024}).
 */
@Component
class PollRelease implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PollRelease.class);

	private final VirtualAdapter adapter;

	private volatile boolean running;

	PollRelease(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		int parked = this.adapter.stats().parkedPolls();
		this.adapter.close();
		this.running = false;
		logger.info("Stopping: answered " + parked + " parked poll(s) with 204");
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
