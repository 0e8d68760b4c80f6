package org.vsriov.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * One VF agent per VF, each on its own keep-alive connection, doing what API.md tells an agent that
 * must lose nothing to do: one {@code timeout=0} poll without {@code after} to learn the cursor, then
 * a poll with the cursor of the last answer, forever. Agents start in waves so the server's accept
 * queue is not flooded. Lives on the event loop.
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

	VfPollers(Loop loop, Ledger ledger, int vfs, String timeout) {
		this.loop = loop;
		this.ledger = ledger;
		this.timeout = timeout;
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

		private Agent(int vf) {
			this.vf = vf;
			this.path = "/api/v1/vfs/" + vf + "/invalidations";
			this.wait = "&timeout=" + VfPollers.this.timeout;
			this.connection = new HttpConnection(VfPollers.this.loop);
		}

		private void learnCursor() {
			long sent = System.nanoTime();
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
			this.connection.send(HttpConnection.get(uri), (response) -> {
				if (answered(response, sent)) {
					poll();
				}
			}, this::failed);
		}

		private boolean answered(Response response, long sent) {
			if (VfPollers.this.stopped) {
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
			if (!VfPollers.this.stopped) {
				VfPollers.this.ledger.error("VF " + this.vf + "'s poll: " + why);
			}
		}

	}

}
