package org.vsriov.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import org.HdrHistogram.Histogram;

/**
 * Scenario 5, overload: four attacks, each on a server of its own, with the attack traffic from
 * separate processes ({@link Attackers}) and a {@link Probe} in this process that measures what a PF
 * agent and a Kubernetes probe get meanwhile, then how soon the server recovers once the attack stops.
 * <ol>
 * <li>stalled readers: connections that pipeline {@code GET /api/v1/pf} and never read;</li>
 * <li>slowloris: request heads sent a byte a second;</li>
 * <li>a flood of long polls, each on its own connection, past the server's connection limit, with
 * lossless cursor agents that must lose nothing;</li>
 * <li>a burst of long polls and a SIGTERM to the server while they are still coming in.</li>
 * </ol>
 */
final class OverloadScenario {

	// How long the probe runs before an attack starts.
	private static final Duration PROBE_WARM_UP = Duration.ofSeconds(2);

	// A poll not answered within its timeout plus this is unanswered; a connect gets as long.
	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private static final Duration READY_WITHIN = Duration.ofSeconds(30);

	// How the flood's and the burst's descriptions say that their processes rehearse first.
	private static final String REHEARSED = "after as many with timeout=0 in a rehearsal (" + PollFlood.REHEARSING
			+ " at a time per process)";

	private static final Duration REPORTS_WITHIN = Duration.ofSeconds(30);

	private static final double TARGET_P99_MILLIS = 100;

	private static final double TARGET_RECOVERY_MILLIS = 2_000;

	/**
	 * How big each attack is.
	 *
	 * @param vfs VFs allocated on each attack's server
	 * @param stalled stalled-reader connections
	 * @param stalledFor how long they stall
	 * @param slowloris slowloris connections
	 * @param slowlorisFor how long they dribble
	 * @param flood polls of the flood
	 * @param pollTimeout the polls' timeout
	 * @param cursorVfs VFs followed by lossless cursor agents during the flood
	 * @param burst polls of the burst before SIGTERM
	 * @param sigtermAfter when SIGTERM comes after the burst starts
	 * @param recoveryWithin how long recovery is waited for
	 */
	private record Sizes(int vfs, int stalled, Duration stalledFor, int slowloris, Duration slowlorisFor, int flood,
			String pollTimeout, int cursorVfs, int burst, Duration sigtermAfter, Duration recoveryWithin) {

	}

	private static final Sizes FULL = new Sizes(4_000, 400, Duration.ofSeconds(20), 500, Duration.ofSeconds(25), 20_000,
			"30s", 20, 10_000, Duration.ofMillis(1_500), Duration.ofSeconds(30));

	// Correctness only: small, and well under a minute of attacks in all.
	private static final Sizes SMOKE = new Sizes(100, 20, Duration.ofSeconds(3), 40, Duration.ofSeconds(3), 500, "5s",
			5, 400, Duration.ofSeconds(1), Duration.ofSeconds(10));

	private static final int STALLED_PROCESSES = 2;

	private static final int SLOWLORIS_PROCESSES = 2;

	private static final int FLOOD_PROCESSES = 4;

	private static final int BURST_PROCESSES = 4;

	private final Harness harness;

	private final Options options;

	private final Sizes sizes;

	OverloadScenario(Harness harness) {
		this.harness = harness;
		this.options = harness.options;
		this.sizes = this.options.smoke() ? SMOKE : FULL;
	}

	void run() {
		attack("stalled", "stalled readers", this::stalledReaders);
		attack("slowloris", "slowloris", this::slowloris);
		attack("flood", "poll flood", this::flood);
		attack("sigterm", "burst and SIGTERM", this::sigterm);
	}

	/** One attack, if chosen; if it fails, the run fails and the next attack still runs. */
	private void attack(String option, String name, Runnable attack) {
		if (!this.options.attacks().contains(option)) {
			return;
		}
		try {
			attack.run();
		}
		catch (RuntimeException ex) {
			this.harness.report.error("overload, " + name + ": " + ex.getMessage());
		}
	}

	private void stalledReaders() {
		Sizes size = this.sizes;
		timedAttack("stalled", "5.1 overload: stalled readers", StalledReaders.class, size.stalled, STALLED_PROCESSES,
				size.stalledFor, String.format("%d connections from %d processes, each pipelining GET /api/v1/pf (%d VFs: "
						+ "about %d KB an answer), 64 at once and then one every 100 ms, never reading a byte, for %d s; then "
						+ "closed.", size.stalled, STALLED_PROCESSES, size.vfs, size.vfs * 177 / 1000, size.stalledFor.toSeconds()),
				(scenario, attack) -> scenario.add("attack requests queued (none of the answers read)",
						attack.count("requests queued"), ""));
	}

	private void slowloris() {
		Sizes size = this.sizes;
		timedAttack("slowloris", "5.2 overload: slowloris", Slowloris.class, size.slowloris, SLOWLORIS_PROCESSES,
				size.slowlorisFor, String.format("%d connections from %d processes, each sending a request head (GET "
						+ "/api/v1/pf, Host, then an X-a header that never ends) one byte a second, for %d s; then closed.",
						size.slowloris, SLOWLORIS_PROCESSES, size.slowlorisFor.toSeconds()),
				(scenario, attack) -> attack.counts().forEach((name, count) -> {
					if (name.startsWith("status ")) {
						scenario.add("closed by server after an answer, " + name, count, "");
					}
				}));
	}

	/**
	 * An attack of connections from separate processes that lasts a given time, then stops: the
	 * probe's figures during it, the attack's connections, and the recovery after it.
	 * @param figures the attack's own figures, after its connections
	 */
	private void timedAttack(String name, String title, Class<? extends AttackProcess> main, int connections,
			int processes, Duration length, String description, BiConsumer<Report.Scenario, AttackReport> figures) {
		try (var server = server(name);
				var loop = new Loop(server.port());
				var attackers = Attackers.launch(this.options, name, main, split(connections, processes,
						(from, count) -> List.of("--port", Integer.toString(server.port()), "--connections",
								Integer.toString(count))))) {
			var scenario = this.harness.report.scenario(title, description + " " + probing(server));
			attackers.awaitReady(READY_WITHIN);
			var probe = new Probe(loop, Probe.everyVf(this.sizes.vfs), server.managementPort(), server.pfPort());
			warmUp(loop, probe);
			var kernel = KernelCounters.read();
			var load = new Load(server, loop);
			long go = go(attackers);
			Harness.pause(length);
			attackers.stop();
			long stop = load.mark();
			AttackReport attack = attackers.reports(REPORTS_WITHIN);
			long reported = System.nanoTime();
			OptionalLong recovery = recover(server, loop, probe, stop);
			long recovered = load.mark();
			var samples = finish(loop, probe);
			dump(name, samples, go, stop);
			probeFigures(scenario, server, samples, go, stop);
			scenario.add("attack connections opened", attack.count("connected"), "");
			scenario.add("attack connections that failed to connect", attack.count("connect failed"), "");
			figures.accept(scenario, attack);
			closes(scenario, attack);
			recoveryFigure(scenario, recovery);
			load.figures(scenario, attack, go, stop, recovered, reported);
			overflows(scenario, kernel);
			mustHaveLived(scenario, server);
		}
	}

	private void flood() {
		Sizes size = this.sizes;
		try (var server = server("flood");
				var loop = new Loop(server.port())) {
			var scenario = this.harness.report.scenario("5.3 overload: poll flood", String.format(
					"%d long polls (timeout=%s) from %d processes, each on a new connection of its own, all opened at once, "
							+ "%d per VF over the %d VFs, " + REHEARSED + "; a poll is unanswered without an answer %d s after its "
							+ "timeout (or a connect that long), or when its connection closes first; the attack ends when every poll has its "
							+ "fate. VFs 0..%d are also followed by lossless cursor agents (429 or 503: the same poll after "
							+ "Retry-After), and the probe's invalidations go to them. %s",
					size.flood, size.pollTimeout, FLOOD_PROCESSES, size.flood / size.vfs, size.vfs, PATIENCE.toSeconds(),
					size.cursorVfs - 1, probing(server)));
			var ledger = new Ledger(size.cursorVfs);
			var agents = new VfPollers(loop, ledger, size.cursorVfs, size.pollTimeout, PATIENCE);
			loop.run(agents::start);
			this.harness.await(server, "the cursor agents' first polls", Duration.ofSeconds(60),
					() -> loop.call(agents::following) == size.cursorVfs);
			Duration pollWithin = VfPollers.duration(size.pollTimeout).plus(PATIENCE);
			try (var attackers = Attackers.launch(this.options, "flood", PollFlood.class,
					pollFloods(server, size.flood, FLOOD_PROCESSES, pollWithin))) {
				attackers.awaitReady(READY_WITHIN);
				var probe = new Probe(loop, toAgents(ledger, size.cursorVfs, size.vfs), server.managementPort(), server.pfPort());
				warmUp(loop, probe);
				var kernel = KernelCounters.read();
				var load = new Load(server, loop);
				loop.run(() -> ledger.measureFrom(System.nanoTime()));
				long go = go(attackers);
				// A poll's fate is known at most a connect and a poll after the start.
				long deadline = go + pollWithin.multipliedBy(2).plusSeconds(10).toNanos();
				while (!attackers.reported() && System.nanoTime() < deadline) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
				}
				attackers.stop();
				long stop = load.mark();
				AttackReport attack = attackers.reports(REPORTS_WITHIN);
				long reported = System.nanoTime();
				OptionalLong recovery = recover(server, loop, probe, stop);
				long recovered = load.mark();
				var samples = finish(loop, probe);
				dump("flood", samples, go, stop);
				// What the probe sent them must now arrive: the agents give up a poll after its timeout
				// plus the patience, so that long is allowed. A server that died took its state along:
				// that is its own failure, not loss.
				boolean alive = server.alive();
				if (alive) {
					this.harness.await(server, "the cursor agents' deliveries", pollWithin.plusSeconds(5),
							() -> loop.call(ledger::expected) == 0);
				}
				long lost = alive ? loop.call(ledger::expected) : 0;
				Histogram delivery = loop.call(() -> ledger.latencyMicros().copy());
				long delivered = loop.call(ledger::delivered);
				long busy = loop.call(agents::busyAnswers);
				long agentsUnanswered = loop.call(agents::unanswered);
				loop.run(agents::stop);
				if (alive) {
					this.harness.check(ledger, loop);
				}

				probeFigures(scenario, server, samples, go, stop);
				scenario.add("attack duration (until every poll's fate)", TimeUnit.NANOSECONDS.toMillis(stop - go), "ms");
				polls(scenario, attack, true);
				scenario.add("poll connect p50", AttackReport.percentile(attack.connectMillis(), 50), "ms");
				scenario.add("poll connect p99", AttackReport.percentile(attack.connectMillis(), 99), "ms");
				scenario.add("poll connect max", AttackReport.percentile(attack.connectMillis(), 100), "ms");
				scenario.add("cursor agents: invalidations delivered", delivered, "");
				scenario.add("cursor agents: delivery p99", delivery.getValueAtPercentile(99) / 1000.0, "ms");
				scenario.atMost("cursor agents: invalidations lost", lost, "", 0);
				scenario.add("cursor agents: 429/503 answers (retried)", busy, "");
				scenario.atMost("cursor agents: polls unanswered", agentsUnanswered, "", 0);
				recoveryFigure(scenario, recovery);
				load.figures(scenario, attack, go, stop, recovered, reported);
				overflows(scenario, kernel);
				mustHaveLived(scenario, server);
			}
		}
	}

	private void sigterm() {
		Sizes size = this.sizes;
		try (var server = server("sigterm");
				var loop = new Loop(server.port());
				var attackers = Attackers.launch(this.options, "sigterm", PollFlood.class,
						pollFloods(server, size.burst, BURST_PROCESSES, VfPollers.duration(size.pollTimeout).plus(PATIENCE)))) {
			var scenario = this.harness.report.scenario("5.4 overload: burst and SIGTERM", String.format(
					"%d long polls (timeout=%s) from %d processes, each on a new connection of its own, all opened at once, "
							+ REHEARSED + ", so that the burst is not the server's first; SIGTERM to the server %.1f s after they "
							+ "start. A poll whose connect failed was never accepted: refused, not unanswered. The probe runs until the SIGTERM. %s",
					size.burst, size.pollTimeout, BURST_PROCESSES, size.sigtermAfter.toMillis() / 1000.0, probing(server)));
			attackers.awaitReady(READY_WITHIN);
			var probe = new Probe(loop, Probe.everyVf(size.vfs), server.managementPort(), server.pfPort());
			warmUp(loop, probe);
			var kernel = KernelCounters.read();
			var load = new Load(server, loop);
			long go = go(attackers);
			Harness.pause(size.sigtermAfter);
			loop.run(probe::stop);
			long signalled = load.mark();
			long exitMillis = server.terminate();
			// Once the server has gone, every poll left is refused or reset at once.
			AttackReport attack = attackers.reports(REPORTS_WITHIN);
			long reported = System.nanoTime();
			var samples = finish(loop, probe);
			dump("sigterm", samples, go, signalled);
			probeFigures(scenario, server, samples, go, signalled);
			polls(scenario, attack, false);
			scenario.add("poll connect p50", AttackReport.percentile(attack.connectMillis(), 50), "ms");
			scenario.add("poll connect max", AttackReport.percentile(attack.connectMillis(), 100), "ms");
			scenario.add("SIGTERM to the server's exit", exitMillis, "ms");
			load.figures(scenario, attack, go, signalled, signalled, reported);
			overflows(scenario, kernel);
		}
	}

	/**
	 * The attack's server: with the actuator on a port of its own if the run asks for it
	 * (--management-port), and the PF side on a listener of its own (--pf-port).
	 */
	private ServerProcess server(String name) {
		return ServerProcess.start(this.options, "overload-" + name, this.sizes.vfs, this.options.managementPort(),
				this.options.pfPort(), List.of());
	}

	private String probing(ServerProcess server) {
		// Where health goes: the main port shares its connector, threads and accept queue with the attack.
		String health = server.ownManagementPort()
				? "health on the management port " + server.managementPort()
						+ ", management.server.port: a Jetty of its own, with its own connector, threads and accept queue"
				: "health on the main port";
		String pf = (server.pfPort() != server.port())
				? "on the PF listener " + server.pfPort() + " (vsriov.http.pf-port: its own accept queue and threads)"
				: "on the main port";
		return String.format("Server: %d VFs; attack processes connect from 127.0.0.11 and on. Probe: a PF "
				+ "invalidation every %d ms on a keep-alive connection and one on "
				+ "a new connection (%s), GET /actuator/health every %d ms on a new connection (%s); no answer within %d s (or "
				+ "a close first) is unanswered, and counts as %d s in the percentiles. Recovery: from the attack's stop "
				+ "until the PF and health requests on new connections are answered within %d ms %d times in a row and a "
				+ "VF's timeout=0 poll is answered", this.sizes.vfs, 25, pf, 50, health, Probe.LIMIT_NANOS / 1_000_000_000,
				Probe.LIMIT_NANOS / 1_000_000_000, ProbeSamples.FAST_NANOS / 1_000_000, ProbeSamples.IN_A_ROW);
	}

	/**
	 * Every probe request of the attack, beside the results ({@code probe-NAME.csv}): when it was sent
	 * (milliseconds from the attack's start; the attack stopped at {@code stop}), how long it took, its status
	 * (0: unanswered).
	 */
	private void dump(String name, List<Probe.Sample> samples, long go, long stop) {
		var lines = new ArrayList<String>();
		lines.add("# attack " + name + " stopped at " + TimeUnit.NANOSECONDS.toMillis(stop - go) + " ms");
		lines.add("stream,sent_ms,took_ms,status");
		samples.stream()
			.sorted(Comparator.comparingLong(Probe.Sample::sentNanos))
			.forEach((sample) -> lines.add(String.format(Locale.ROOT, "%s,%.1f,%.1f,%d", sample.stream(),
					(sample.sentNanos() - go) / 1e6, (sample.doneNanos() - sample.sentNanos()) / 1e6, sample.status())));
		try {
			Files.write(this.options.output().toAbsolutePath().resolveSibling("probe-" + name + ".csv"), lines);
		}
		catch (IOException ex) {
			this.harness.report.error("could not write the probe's samples: " + ex);
		}
	}

	/**
	 * Starts the probe, and lets it run for {@link #PROBE_WARM_UP} before the attack: the figures
	 * are those of a warm server under attack, not a cold one's (the first requests of a fresh
	 * server took up to half a second, attack or not). What is measured from the attack's start
	 * (the server's CPU, the probe's lag, the ledger) starts after this. The probe runs in this JVM:
	 * it collects its heap here, so that its young generation holds the attack's garbage and none of
	 * its own pauses (up to 88 ms, left to fall where they would) holds the probe up in the attack
	 * (docs/decisions/0019).
	 */
	private static void warmUp(Loop loop, Probe probe) {
		loop.run(probe::start);
		System.gc();
		Harness.pause(PROBE_WARM_UP);
	}

	/** Starts the attack; the figures count from the time it returns. */
	private static long go(Attackers attackers) {
		long go = System.nanoTime();
		attackers.go();
		return go;
	}

	/** Probes until the server has recovered or the time allowed is over. */
	private OptionalLong recover(ServerProcess server, Loop loop, Probe probe, long stop) {
		loop.run(probe::startVfPolls);
		long deadline = stop + this.sizes.recoveryWithin.toNanos();
		while (System.nanoTime() < deadline && server.alive()) {
			if (loop.call(() -> ProbeSamples.of(probe.snapshot(), stop)).isPresent()) {
				break;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
		}
		// Requests still in flight may end it earlier: read it once they have all ended.
		var samples = finish(loop, probe);
		var recovery = ProbeSamples.of(samples, stop);
		return (recovery.isPresent() && recovery.getAsLong() <= this.sizes.recoveryWithin.toNanos()) ? recovery
				: OptionalLong.empty();
	}

	/** Stops the probe and waits for its requests in flight to end. */
	private static List<Probe.Sample> finish(Loop loop, Probe probe) {
		loop.run(probe::stop);
		long deadline = System.nanoTime() + Probe.LIMIT_NANOS + TimeUnit.SECONDS.toNanos(2);
		while (!loop.call(probe::idle) && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
		return loop.call(probe::samples);
	}

	/** The probe's figures for the requests sent in [from, to). */
	private static void probeFigures(Report.Scenario scenario, ServerProcess server, List<Probe.Sample> samples,
			long from, long to) {
		latencies(scenario, "PF invalidation, keep-alive", samples, Probe.Stream.PF_KEEP_ALIVE, from, to, true);
		latencies(scenario, "PF invalidation, new connection", samples, Probe.Stream.PF_NEW_CONNECTION, from, to, true);
		latencies(scenario, "health, new connection", samples, Probe.Stream.HEALTH, from, to, false);
		long requests = 0;
		long unanswered = 0;
		long failed = 0;
		var slow = new ArrayList<Probe.Sample>();
		for (Probe.Stream stream : List.of(Probe.Stream.PF_KEEP_ALIVE, Probe.Stream.PF_NEW_CONNECTION, Probe.Stream.HEALTH)) {
			requests += ProbeSamples.count(samples, stream, from, to);
			unanswered += ProbeSamples.unanswered(samples, stream, from, to);
			failed += ProbeSamples.failed(samples, stream, from, to);
			slow.addAll(ProbeSamples.slow(samples, stream, from, to, ProbeSamples.FAST_NANOS));
		}
		scenario.add("probe requests", requests, "");
		scenario.atMost("probe requests unanswered", unanswered, "", 0);
		scenario.add("probe answers other than 202 / 200", failed, "");
		pauses(scenario, server, slow, from, to);
	}

	/**
	 * Which stop-the-world pauses the probe's answers slower than the target overlapped: the server's,
	 * which hold up its answers, and those of the benchmark's own JVM, where the probe runs, which hold up
	 * the probe's reading of an answer the server may have sent in time (as in the peer scenario); and
	 * each JVM's pauses during the attack.
	 */
	private static void pauses(Report.Scenario scenario, ServerProcess server, List<Probe.Sample> slow, long from,
			long to) {
		scenario.add(String.format(Locale.ROOT, "probe answers in over %d ms", ProbeSamples.FAST_NANOS / 1_000_000),
				slow.size(), "");
		// An answer to a request sent in the attack may come up to the probe's limit after it.
		long until = to + Probe.LIMIT_NANOS;
		pausesMet(scenario, "server's", slow, JvmPauses.read(server.safepointLog(), from, until));
		pausesMet(scenario, "probe's", slow, JvmPauses.read(JvmPauses.generatorLog(), from, until));
		var servers = JvmPauses.read(server.safepointLog(), from, to);
		if (servers != null) {
			servers.addTo(scenario, "server");
		}
		var own = JvmPauses.read(JvmPauses.generatorLog(), from, to);
		if (own != null) {
			own.addTo(scenario, "probe's");
		}
	}

	private static void pausesMet(Report.Scenario scenario, String jvm, List<Probe.Sample> slow, JvmPauses pauses) {
		if (pauses != null) {
			scenario.add("  of those, in a pause of the " + jvm + " JVM",
					slow.stream().filter((sample) -> pauses.during(sample.sentNanos(), sample.doneNanos())).count(), "");
		}
	}

	private static void latencies(Report.Scenario scenario, String name, List<Probe.Sample> samples,
			Probe.Stream stream, long from, long to, boolean withP50) {
		Histogram latency = ProbeSamples.latencies(samples, stream, from, to);
		if (withP50) {
			scenario.add(name + " p50", latency.getValueAtPercentile(50) / 1000.0, "ms");
		}
		scenario.atMost(name + " p99", latency.getValueAtPercentile(99) / 1000.0, "ms", TARGET_P99_MILLIS);
		scenario.add(name + " max", latency.getMaxValue() / 1000.0, "ms");
	}

	/** The attack connections the server closed by itself, and after how long. */
	private static void closes(Report.Scenario scenario, AttackReport attack) {
		var closes = attack.closeMillis();
		scenario.add("attack connections the server closed", closes.size(), "");
		if (!closes.isEmpty()) {
			scenario.add("server's close after opening, first", AttackReport.percentile(closes, 0), "ms");
			scenario.add("server's close after opening, median", AttackReport.percentile(closes, 50), "ms");
			scenario.add("server's close after opening, max", AttackReport.percentile(closes, 100), "ms");
		}
	}

	/**
	 * What became of the attack's polls. In the flood every poll must be answered; in the SIGTERM
	 * attack a poll whose connect failed was never accepted, and is not unanswered.
	 */
	private static void polls(Report.Scenario scenario, AttackReport attack, boolean connectFailuresUnanswered) {
		long answered = attack.sum("status ");
		long neverConnected = attack.sum("connect ");
		long unanswered = attack.count("closed without an answer") + attack.count("reset without an answer")
				+ attack.count("no answer in time") + attack.count("unresolved at stop")
				+ (connectFailuresUnanswered ? neverConnected : 0);
		scenario.add("attack polls", attack.count("polls"), "");
		scenario.add("attack polls answered", answered, "");
		for (int status : new int[] { 200, 204, 429, 503 }) {
			scenario.add("  answered " + status, attack.count("status " + status), "");
		}
		scenario.add("  answered with another status", answered - attack.count("status 200") - attack.count("status 204")
				- attack.count("status 429") - attack.count("status 503"), "");
		scenario.atMost("  429 without Retry-After", attack.count("429 without Retry-After"), "", 0);
		if (!connectFailuresUnanswered) {
			scenario.add("attack polls refused (connect failed)", neverConnected, "");
		}
		scenario.atMost("attack polls unanswered", unanswered, "", 0);
		scenario.add("  closed or reset without an answer",
				attack.count("closed without an answer") + attack.count("reset without an answer"), "");
		scenario.add("  no answer in time", attack.count("no answer in time") + attack.count("unresolved at stop"), "");
		if (connectFailuresUnanswered) {
			scenario.add("  connect failed", neverConnected, "");
		}
	}

	private void recoveryFigure(Report.Scenario scenario, OptionalLong recovery) {
		if (recovery.isPresent()) {
			scenario.atMost("recovery after the attack stopped", recovery.getAsLong() / 1e6, "ms", TARGET_RECOVERY_MILLIS);
		}
		else {
			// Not within the time allowed: the figure is that time, and misses the target.
			scenario.atMost("recovery after the attack stopped (NOT within)", this.sizes.recoveryWithin.toMillis(), "ms",
					TARGET_RECOVERY_MILLIS);
		}
	}

	private static void overflows(Report.Scenario scenario, Map<String, Long> before) {
		long overflows = KernelCounters.growth(before, KernelCounters.read(), "TcpExtListenOverflows");
		if (overflows >= 0) {
			scenario.add("kernel listen overflows (TcpExtListenOverflows)", overflows, "");
		}
	}

	/** A server that died (its log says why) has not recovered either: a target, as recovery is. */
	private static void mustHaveLived(Report.Scenario scenario, ServerProcess server) {
		scenario.atLeast("server still running (1: yes)", server.alive() ? 1 : 0, "", 1);
	}

	/**
	 * The load around an attack: the CPU the server used during it and after it until it recovered, the
	 * attack processes' own (with two cores, what one takes the others lack), and how late the probe's
	 * and the attackers' event loops ran.
	 */
	private static final class Load {

		private final ServerProcess server;

		private final List<Long> marks = new ArrayList<>();

		private final LoopLag probeLag;

		private long probeLagMillis = -1;

		Load(ServerProcess server, Loop loop) {
			this.server = server;
			this.probeLag = new LoopLag(loop.executor());
			mark();
		}

		/** Notes the server's CPU time now (and at the first mark after go, the probe's worst lag). */
		long mark() {
			this.marks.add(this.server.alive() ? this.server.cpuNanos() : -1);
			if (this.marks.size() == 2) {
				this.probeLagMillis = this.probeLag.maxMillis();
				this.probeLag.stop();
			}
			return System.nanoTime();
		}

		/**
		 * The marks were taken at go (by the constructor, just before), at {@code stop}, at {@code recovered};
		 * the attackers counted their CPU from go until they reported, just before {@code reported}.
		 */
		void figures(Report.Scenario scenario, AttackReport attack, long go, long stop, long recovered, long reported) {
			if (this.marks.size() >= 2 && this.marks.get(1) >= 0) {
				scenario.add("server CPU during the attack", percent(this.marks.get(1) - this.marks.get(0), stop - go),
						"% core");
			}
			if (this.marks.size() >= 3 && this.marks.get(2) >= 0 && recovered > stop) {
				scenario.add("server CPU from the stop to recovery (or give-up)",
						percent(this.marks.get(2) - this.marks.get(1), recovered - stop), "% core");
			}
			scenario.add("attack processes' CPU, until they reported",
					percent(TimeUnit.MILLISECONDS.toNanos(attack.count("cpu ms")), reported - go), "% core");
			// The measuring side kept up if these are small: a slow answer was then the server's.
			scenario.add("probe's own event loop, worst lag", this.probeLagMillis, "ms");
			scenario.add("attack processes' event loops, worst lag", attack.count("loop lag max ms"), "ms");
		}

		private static double percent(long cpuNanos, long wallNanos) {
			return (wallNanos <= 0) ? 0 : 100.0 * cpuNanos / wallNanos;
		}

	}

	/**
	 * The probe's invalidations during the flood: to the VFs the cursor agents follow, each one bit
	 * not already in flight to its VF, checked by the ledger (a 202 must arrive; another status changed
	 * nothing; with no answer it may or may not arrive). When every bit of every followed VF is in
	 * flight (the server holds them all), to a VF nobody follows.
	 */
	private static Probe.Invalidations toAgents(Ledger ledger, int cursorVfs, int vfs) {
		int[] next = { 0 };
		return () -> {
			for (int tries = 0; tries < cursorVfs; tries++) {
				int vf = next[0]++ % cursorVfs;
				long free = ledger.freeBits(vf);
				if (free != 0) {
					long bit = Long.lowestOneBit(free);
					Ledger.Pending pending = ledger.invalidated(vf, bit, System.nanoTime());
					return new Probe.Invalidation(vf, bit, (status, nanos) -> {
						if (status == 202) {
							pending.accepted(nanos);
						}
						else if (status == 0) {
							ledger.unanswered(pending);
						}
						else {
							ledger.declined(pending);
						}
					});
				}
			}
			return new Probe.Invalidation(cursorVfs + next[0]++ % (vfs - cursorVfs), 0x1, (status, nanos) -> {
			});
		};
	}

	/**
	 * The {@link PollFlood} processes' arguments: {@code polls} split over them, each rehearsed with as
	 * many, and given {@code patience} for a connect and for an answer.
	 */
	private List<List<String>> pollFloods(ServerProcess server, int polls, int processes, Duration patience) {
		return split(polls, processes, (from, count) -> List.of("--port", Integer.toString(server.port()), "--from",
				Integer.toString(from), "--count", Integer.toString(count), "--rehearsal", Integer.toString(count), "--vfs",
				Integer.toString(this.sizes.vfs), "--timeout", this.sizes.pollTimeout, "--patience-ms",
				Long.toString(patience.toMillis())));
	}

	/** One argument list per process: {@code total} split as evenly as can be, each with its first index. */
	static List<List<String>> split(int total, int processes, BiFunction<Integer, Integer, List<String>> args) {
		var lists = new ArrayList<List<String>>();
		int from = 0;
		for (int i = 0; i < processes; i++) {
			int count = total / processes + ((i < total % processes) ? 1 : 0);
			lists.add(args.apply(from, count));
			from += count;
		}
		return lists;
	}

}
