package org.vsriov.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The PF agent: {@code POST /pf/vfs/{vfId}/invalidations} to random VFs with random masks, over a
 * few keep-alive connections, either on a fixed schedule (open loop: a request that cannot go out
 * on time waits in a queue, and its latency counts from when it was due) or as fast as the
 * connections are answered (closed loop, for the throughput). Lives on the event loop.
 */
final class PfLoad {

	private static final int MASK_TRIES = 8;

	private final Loop loop;

	private final Ledger ledger;

	private final int firstVf;

	private final int vfs;

	// Whether the ledger follows these VFs (they have pollers); if not, nothing is expected of them.
	private final boolean followed;

	private final List<HttpConnection> connections = new ArrayList<>();

	private final ArrayDeque<Ledger.Pending> due = new ArrayDeque<>();

	private final SplittableRandom random = new SplittableRandom(42);

	private ScheduledFuture<?> ticker;

	private boolean closedLoop;

	private boolean stopped = true;

	private long accepted;

	PfLoad(Loop loop, Ledger ledger, int vfs, int connections) {
		this(loop, ledger, 0, vfs, connections, true);
	}

	/** Invalidates VFs firstVf..firstVf+vfs-1, which no poller follows when {@code followed} is false. */
	PfLoad(Loop loop, Ledger ledger, int firstVf, int vfs, int connections, boolean followed) {
		this.loop = loop;
		this.ledger = ledger;
		this.firstVf = firstVf;
		this.vfs = vfs;
		this.followed = followed;
		for (int i = 0; i < connections; i++) {
			this.connections.add(new HttpConnection(loop));
		}
	}

	/**
	 * Sends {@code perSecond} invalidations a second on schedule, from a few milliseconds on until
	 * {@link #stop()}.
	 */
	void startAtRate(double perSecond) {
		this.stopped = false;
		this.closedLoop = false;
		var schedule = Schedule.startingSoon(perSecond);
		long[] scheduled = { 0 };
		this.ticker = this.loop.executor().scheduleAtFixedRate(this.loop.guarded("the PF's schedule", () -> {
			long owed = schedule.dueBy(System.nanoTime());
			for (; scheduled[0] < owed; scheduled[0]++) {
				enqueue(schedule.dueAt(scheduled[0]));
			}
			dispatch();
		}), schedule.initialDelayNanos(), Schedule.TICK_NANOS, TimeUnit.NANOSECONDS);
	}

	/** Keeps every connection busy: the next invalidation goes out as soon as one is answered. */
	void startClosedLoop() {
		this.stopped = false;
		this.closedLoop = true;
		for (int i = 0; i < this.connections.size(); i++) {
			enqueue(System.nanoTime());
		}
		dispatch();
	}

	void stop() {
		this.stopped = true;
		if (this.ticker != null) {
			this.ticker.cancel(false);
		}
	}

	/** Stopped, and every request sent has been answered. */
	boolean idle() {
		return this.stopped && this.due.isEmpty() && this.connections.stream().noneMatch(HttpConnection::busy);
	}

	/** 202s received so far. */
	long accepted() {
		return this.accepted;
	}

	private void enqueue(long intendedNanos) {
		if (!this.followed) {
			int vf = this.firstVf + this.random.nextInt(this.vfs);
			this.due.add(new Ledger.Pending(vf, this.random.nextLong() | 1, intendedNanos));
			return;
		}
		for (int i = 0; i < MASK_TRIES; i++) {
			int vf = this.random.nextInt(this.vfs);
			long mask = this.random.nextLong() & this.ledger.freeBits(vf);
			if (mask != 0) {
				this.due.add(this.ledger.invalidated(vf, mask, intendedNanos));
				return;
			}
		}
		// Every bit of each VF tried is still in flight: this one is not sent, and the run's
		// "invalidations sent" is one short of its schedule.
	}

	private void dispatch() {
		for (HttpConnection connection : this.connections) {
			if (this.due.isEmpty()) {
				return;
			}
			if (!connection.busy()) {
				send(connection, this.due.poll());
			}
		}
	}

	private void send(HttpConnection connection, Ledger.Pending invalidation) {
		String body = "{\"blockMask\":\"" + Ledger.hex(invalidation.mask) + "\"}";
		connection.send(HttpConnection.postJson("/api/v1/pf/vfs/" + invalidation.vf + "/invalidations", body),
				(response) -> {
					if (response.status() == 202) {
						invalidation.accepted(response.receivedNanos());
						this.accepted++;
					}
					else {
						failed(invalidation, "HTTP " + response.status() + ": " + response.body());
					}
					if (this.closedLoop && !this.stopped) {
						enqueue(System.nanoTime());
					}
					dispatch();
				}, (why) -> {
					failed(invalidation, why);
					dispatch();
				});
	}

	private void failed(Ledger.Pending invalidation, String why) {
		if (this.followed) {
			this.ledger.refused(invalidation, why);
		}
		else {
			this.ledger.error("invalidation of VF " + invalidation.vf + " failed: " + why);
		}
	}

	void close() {
		this.connections.forEach(HttpConnection::close);
	}

}
