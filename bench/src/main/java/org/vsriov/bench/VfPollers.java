package org.vsriov.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.json.JsonMapper;

/**
 * One VF agent per VF, each on its own keep-alive connection, doing what API.md tells an agent that
 * must lose nothing to do: one {@code timeout=0} poll without {@code after} to learn the cursor, then
 * a poll with the cursor of the last answer, forever. Agents start in waves so the server's accept
 * queue is not flooded. Lives on the event loop.
 *
 * <p>Agents of an overloaded server (made with a patience) take what such a server does as a real
 * agent would, and count it: a 429 or 503 is an answer, after which they send the same poll again
 * after its {@code Retry-After}; a poll not answered within its timeout plus the patience, or whose
 * connection is closed or refused, is unanswered, and they send the same poll again (with the same
 * cursor, a lost answer loses nothing). Without a patience, each of these fails the run.
 */
final class VfPollers {

	// Connections being opened at once, well within the listen backlog; a wave is refilled as each
	// agent's first answer arrives.
	private static final int OPENING_AT_ONCE = 64;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Loop loop;

	private final Ledger ledger;

	private final String timeout;

	private final List<Agent> agents = new ArrayList<>();

	private int nextToStart;

	private int following;

	private boolean stopped;

	// Null unless the server is expected to be overloaded: see above.
	private final Duration patience;

	private long busyAnswers;

	private long unanswered;

	VfPollers(Loop loop, Ledger ledger, int vfs, String timeout) {
		this(loop, ledger, vfs, timeout, null);
	}

	/** Agents of an overloaded server: see above. */
	VfPollers(Loop loop, Ledger ledger, int vfs, String timeout, Duration patience) {
		this.loop = loop;
		this.ledger = ledger;
		this.timeout = timeout;
		this.patience = patience;
		for (int vf = 0; vf < vfs; vf++) {
			this.agents.add(new Agent(vf));
		}
	}

	/** Starts the agents (call on the loop). */
	void start() {
		for (int i = 0; i < OPENING_AT_ONCE; i++) {
			startNext();
		}
	}

	/** Agents that have their cursor and are polling with it. */
	int following() {
		return this.following;
	}

	/** 429 and 503 answers, each followed by the same poll again (agents with a patience only). */
	long busyAnswers() {
		return this.busyAnswers;
	}

	/** Polls not answered in time or whose connection closed first (agents with a patience only). */
	long unanswered() {
		return this.unanswered;
	}

	/** No agent polls again after its current poll is answered. */
	void stop() {
		this.stopped = true;
		this.agents.forEach((agent) -> agent.connection.close());
	}

	private void startNext() {
		if (this.nextToStart < this.agents.size()) {
			this.agents.get(this.nextToStart++).learnCursor();
		}
	}

	private final class Agent {

		private final int vf;

		private final HttpConnection connection;

		private final String path;

		// The end of every poll's URI after its cursor.
		private final String wait;

		private String cursor;

		// The poll in flight was given up (agents with a patience): it is already counted.
		private boolean gaveUp;

		private ScheduledFuture<?> giveUp;

		private Agent(int vf) {
			this.vf = vf;
			this.path = "/api/v1/vfs/" + vf + "/invalidations";
			this.wait = "&timeout=" + VfPollers.this.timeout;
			this.connection = new HttpConnection(VfPollers.this.loop, VfPollers.this.patience != null);
		}

		private void learnCursor() {
			long sent = System.nanoTime();
			watch(false);
			this.connection.send(HttpConnection.get(this.path + "?timeout=0"), (response) -> {
				startNext();
				if (answered(response, sent)) {
					VfPollers.this.following++;
					poll();
				}
			}, (why) -> {
				startNext();
				failed(why);
			});
		}

		// Only after answered(), which is false once stopped.
		private void poll() {
			long sent = System.nanoTime();
			String uri = this.path + "?after=" + URLEncoder.encode(this.cursor, StandardCharsets.UTF_8) + this.wait;
			watch(true);
			this.connection.send(HttpConnection.get(uri), (response) -> {
				if (answered(response, sent)) {
					poll();
				}
			}, this::failed);
		}

		/** The same request again: the first poll while there is no cursor, else the poll with it. */
		private void again() {
			if (VfPollers.this.stopped) {
				return;
			}
			if (this.cursor == null) {
				learnCursor();
			}
			else {
				poll();
			}
		}

		// With a patience, a poll with no answer by its timeout plus the patience is given up.
		private void watch(boolean waits) {
			this.gaveUp = false;
			if (VfPollers.this.patience == null) {
				return;
			}
			Duration pollTimeout = waits ? duration(VfPollers.this.timeout) : Duration.ZERO;
			this.giveUp = VfPollers.this.loop.executor().schedule(() -> {
				this.gaveUp = true;
				VfPollers.this.unanswered++;
				this.connection.abort();
			}, pollTimeout.plus(VfPollers.this.patience).toNanos(), TimeUnit.NANOSECONDS);
		}

		private boolean answered(Response response, long sent) {
			if (this.giveUp != null) {
				this.giveUp.cancel(false);
			}
			if (VfPollers.this.stopped) {
				return false;
			}
			if (VfPollers.this.patience != null && (response.status() == 429 || response.status() == 503)) {
				VfPollers.this.busyAnswers++;
				VfPollers.this.loop.executor().schedule(this::again, retryAfterSeconds(response), TimeUnit.SECONDS);
				return false;
			}
			if (response.cursor() == null) {
				failed("HTTP " + response.status() + " without a cursor: " + response.body());
				return false;
			}
			if (response.status() == 200) {
				this.cursor = response.cursor();
				String hex = JSON.readTree(response.body()).path("blockMask").asString();
				VfPollers.this.ledger.delivered(this.vf, Long.parseUnsignedLong(hex.substring(2), 16), sent,
						response.receivedNanos());
				return true;
			}
			if (response.status() == 204) {
				this.cursor = response.cursor();
				VfPollers.this.ledger.timedOut(this.vf, sent);
				return true;
			}
			failed("HTTP " + response.status() + ": " + response.body());
			return false;
		}

		private void failed(String why) {
			if (this.giveUp != null) {
				this.giveUp.cancel(false);
			}
			if (VfPollers.this.stopped) {
				return;
			}
			if (VfPollers.this.patience != null) {
				if (!this.gaveUp) {
					VfPollers.this.unanswered++;
				}
				// Not at once: a server that refuses connections would get them as fast as it refuses.
				VfPollers.this.loop.executor().schedule(this::again, 100, TimeUnit.MILLISECONDS);
				return;
			}
			VfPollers.this.ledger.error("VF " + this.vf + "'s poll: " + why);
		}

	}

	/** A 429's or 503's Retry-After in seconds (delta-seconds, the form a server under load sends); 1 if absent. */
	static long retryAfterSeconds(Response response) {
		try {
			return (response.retryAfter() == null) ? 1 : Math.max(0, Long.parseLong(response.retryAfter().trim()));
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

	/** A poll timeout as the API takes it: {@code 500ms}, {@code 30s}, {@code 5m}, or bare seconds. */
	static Duration duration(String timeout) {
		if (timeout.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(timeout.substring(0, timeout.length() - 2)));
		}
		if (timeout.endsWith("m")) {
			return Duration.ofMinutes(Long.parseLong(timeout.substring(0, timeout.length() - 1)));
		}
		return Duration.ofSeconds(Long.parseLong(timeout.replaceFirst("s$", "")));
	}

}
