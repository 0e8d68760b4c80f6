package org.vsriov.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The peer scenario's load generator: a generic client, the JDK's {@link HttpClient} over HTTP/1.1
 * with its own connection pool (a connection per request in flight), the same for both servers. A VF agent per VF keeps one
 * poll waiting and polls again after its cursor as soon as it is answered; the PF publishes to
 * random VFs on a fixed schedule with up to 64 publishes in flight (one at a time per VF, so that a
 * VF's messages have an order to keep). A publish that cannot go out on time waits, and its latency
 * counts from when it was due.
 *
 * @param <C> the server's cursor
 */
final class PeerLoad<C> implements AutoCloseable {

	static final int PUBLISHES_IN_FLIGHT = 64;

	static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

	private static final int VF_TRIES = 16;

	private final PeerServer<C> server;

	private final MessageLedger ledger;

	private final int vfs;

	// Callbacks run on the client's own selector thread (a direct executor): with the default executor's
	// thread pool the hand-offs between threads took 155 % of a core at 1,000 deliveries/s against
	// nchan, instead of 92 %, and left the servers less of the two cores.
	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Runnable::run)
		.build();

	// What follows is guarded by this.
	private final ArrayDeque<Long> due = new ArrayDeque<>();

	private final boolean[] publishing;

	private final SplittableRandom random = new SplittableRandom(42);

	private final Histogram lagMicros = new Histogram(600_000_000L, 3);

	private long measureFrom = Long.MAX_VALUE;

	private long measureTo = Long.MAX_VALUE;

	private int inFlight;

	private volatile boolean stopped;

	private volatile boolean closed;

	PeerLoad(PeerServer<C> server, MessageLedger ledger, int vfs) {
		this.server = server;
		this.ledger = ledger;
		this.vfs = vfs;
		this.publishing = new boolean[vfs];
	}

	/** Starts a VF agent a millisecond, well within a listen backlog; returns once all are started. */
	void startAgents() {
		for (int vf = 0; vf < this.vfs; vf++) {
			poll(vf, null);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	/**
	 * Publishes on {@code schedule} until {@link #stop()}; publish lag counts for the messages due in
	 * {@code [from, to)}.
	 */
	void publishAtRate(Schedule schedule, long from, long to) {
		synchronized (this) {
			this.measureFrom = from;
			this.measureTo = to;
		}
		var ticker = new Thread(() -> tick(schedule), "peer-schedule");
		ticker.setDaemon(true);
		ticker.start();
	}

	// Wakes at each tick of the schedule, on its own deadlines, and sends what fell due. (The fixed-rate
	// ticks of a ScheduledExecutorService keep the phase of its first deadline, which it takes from its
	// own clock when called: in the benchmark JVM's first run they woke 0.54 ms after the due times at
	// the median, against 0.09 ms on these deadlines.) Runs until closed, so that the publishes queued
	// before stop() still go out when the VFs they wait for are free again.
	private void tick(Schedule schedule) {
		long scheduled = 0;
		for (long next = schedule.start(); !this.closed; next += Schedule.TICK_NANOS) {
			for (long wait = next - System.nanoTime(); wait > 0 && !this.closed; wait = next - System.nanoTime()) {
				LockSupport.parkNanos(wait);
			}
			try {
				long owed = schedule.dueBy(System.nanoTime());
				synchronized (this) {
					for (; !this.stopped && scheduled < owed; scheduled++) {
						this.due.add(schedule.dueAt(scheduled));
					}
				}
				dispatch();
			}
			catch (RuntimeException ex) {
				this.ledger.error("the publish schedule failed: " + ex);
			}
		}
	}

	/** No publish falls due any more; those already due still go out. */
	void stop() {
		this.stopped = true;
	}

	/** Stopped, every due publish sent and answered. */
	synchronized boolean idle() {
		return this.stopped && this.due.isEmpty() && this.inFlight == 0;
	}

	/** How late the measured publishes were sent after they were due, in microseconds. */
	synchronized Histogram lagMicros() {
		return this.lagMicros.copy();
	}

	/** Sends due publishes while fewer than 64 are in flight. */
	private void dispatch() {
		while (true) {
			MessageLedger.Message message;
			synchronized (this) {
				if (this.due.isEmpty() || this.inFlight >= PUBLISHES_IN_FLIGHT) {
					return;
				}
				int vf = pickVf();
				if (vf < 0) {
					return;
				}
				long dueNanos = this.due.poll();
				message = this.ledger.publish(vf, dueNanos);
				this.publishing[vf] = true;
				this.inFlight++;
				if (dueNanos >= this.measureFrom && dueNanos < this.measureTo) {
					this.lagMicros.recordValue(Math.max(0, (System.nanoTime() - dueNanos) / 1000));
				}
			}
			publish(message);
		}
	}

	// A random VF with no publish in flight and room for another message; -1 if none was found.
	private int pickVf() {
		for (int i = 0; i < VF_TRIES; i++) {
			int vf = this.random.nextInt(this.vfs);
			if (!this.publishing[vf] && !this.ledger.full(vf)) {
				return vf;
			}
		}
		return -1;
	}

	private void publish(MessageLedger.Message message) {
		String json = "{\"blockMask\":\"" + MessageLedger.hex(message.mask) + "\"}";
		this.http.sendAsync(this.server.publish(message.vf, json), HttpResponse.BodyHandlers.ofString())
			.whenComplete((response, failure) -> {
				if (failure != null) {
					this.ledger.refused(message, failure.toString());
				}
				else if (this.server.accepted(response.statusCode())) {
					this.ledger.accepted(message, System.nanoTime());
				}
				else {
					this.ledger.refused(message, "HTTP " + response.statusCode() + ": " + response.body());
				}
				synchronized (this) {
					this.publishing[message.vf] = false;
					this.inFlight--;
				}
				dispatch();
			});
	}

	private void poll(int vf, C cursor) {
		long sent = System.nanoTime();
		this.http.sendAsync(this.server.poll(vf, cursor), HttpResponse.BodyHandlers.ofString())
			.whenComplete((response, failure) -> {
				long received = System.nanoTime();
				if (this.closed) {
					return;
				}
				if (failure != null) {
					this.ledger.error("VF " + vf + "'s poll failed: " + failure);
					return;
				}
				var answer = this.server.read(response);
				if (answer.failure() != null) {
					this.ledger.error("VF " + vf + "'s poll: " + answer.failure());
					return;
				}
				if (answer.mask() != 0) {
					this.ledger.delivered(vf, answer.mask(), received);
				}
				else {
					this.ledger.timedOut(vf, sent);
				}
				poll(vf, answer.cursor() != null ? answer.cursor() : cursor);
			});
	}

	/** No agent polls again; the polls still waiting end with the server. */
	@Override
	public void close() {
		this.closed = true;
		this.stopped = true;
	}

}
