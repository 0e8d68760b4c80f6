package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;

/**
 * Scenario 6, a peer: the same load from the same generic client ({@link PeerLoad}) against vsriov
 * and then against nginx + nchan in the same run, each server's cost per delivery and latency, and
 * their ratios (issue 13). A delivery is a publish, the answer to the parked poll, and the next poll.
 * Each measured window also records what the rest of the machine did, and a run in which something
 * else was busy is marked not comparable.
 */
final class PeerScenario {

	/**
	 * How big the load is.
	 *
	 * @param vfs VFs (channels), each with one poll
	 * @param rate publishes a second
	 * @param warmUp publishes before the measured window
	 * @param measure the measured window
	 */
	private record Sizes(int vfs, int rate, int warmUp, Duration measure) {

		Duration warmUpTime() {
			return Duration.ofNanos(this.warmUp * 1_000_000_000L / this.rate);
		}

	}

	private static final Sizes FULL = new Sizes(1_000, 1_000, 20_000, Duration.ofSeconds(20));

	private static final Sizes SMOKE = new Sizes(100, 200, 200, Duration.ofSeconds(2));

	// A vsriov that falls behind its schedule (6 s in issue 13) still has publishes to send after the window.
	private static final Duration DRAIN_WITHIN = Duration.ofSeconds(60);

	private static final Duration PARKED_WITHIN = Duration.ofSeconds(60);

	// Before the window, the generator's one collection: late enough that its young generation is nearly
	// empty when the window opens, early enough for the publishes it held up to be caught up on.
	private static final Duration COLLECT_BEFORE_WINDOW = Duration.ofSeconds(2);

	private static final double TARGET_CPU_RATIO = 2;

	private static final double TARGET_P99_RATIO = 1;

	/** The publish schedule lag p99 up to which a run is at the offered rate. */
	private static final double MAX_LAG_MILLIS = 50;

	/** Whether this process has run the load once already ({@link #warmUpGenerator}). */
	private static final AtomicBoolean GENERATOR_WARM = new AtomicBoolean();

	private final Harness harness;

	private final Sizes sizes;

	PeerScenario(Harness harness) {
		this.harness = harness;
		this.sizes = harness.options.smoke() ? SMOKE : FULL;
	}

	/**
	 * What one server's measured window saw.
	 *
	 * @param seconds the window's length
	 * @param serverCpuNanos the server's CPU time in the window
	 * @param generatorCpuNanos the load generator's (this process's)
	 * @param serverJitNanos the CPU time of the server's JIT compiler threads in the window, part of
	 * {@code serverCpuNanos} (none for nginx)
	 * @param generatorJitNanos the load generator's, part of {@code generatorCpuNanos}
	 * @param deliveries answers with messages read in the window
	 * @param messages the messages they carried
	 * @param latencyMicros from due to read, for the messages due in the window
	 * @param lagMicros from due to sent, for the publishes due in the window
	 * @param othersCores what other processes used, on average
	 * @param interruptCores what interrupt handling used, on average
	 * @param loadBefore the one-minute load average at the window's start
	 * @param loadAfter and at its end
	 * @param busiestOthers the other processes that used the most CPU in the window
	 * @param rssBytes the server's RSS with every poll parked, after the load
	 * @param lost messages never delivered
	 */
	private record Window(double seconds, long serverCpuNanos, long generatorCpuNanos, long serverJitNanos,
			long generatorJitNanos, long deliveries, long messages,
			Histogram latencyMicros, Histogram lagMicros, double othersCores, double interruptCores, double loadBefore,
			double loadAfter, String busiestOthers, long rssBytes, long lost, MessageLedger.SlowOnes slowOnes) {

		double cpuPerDeliveryMicros() {
			return this.deliveries == 0 ? 0 : this.serverCpuNanos / 1000.0 / this.deliveries;
		}

		double deliveriesPerSecond() {
			return this.deliveries / this.seconds;
		}

		double p(double percentile) {
			return this.latencyMicros.getValueAtPercentile(percentile) / 1000.0;
		}

	}

	void run() {
		warmUpGenerator();
		String vsriovConditions;
		Window vsriov;
		try (var server = new VsriovPeer(this.harness.launch("peer", this.sizes.vfs))) {
			vsriovConditions = "vsriov, the server as the other scenarios run it; polls with ?after=CURSOR&timeout="
					+ VsriovPeer.POLL_TIMEOUT;
			vsriov = measure(server);
		}
		String nchanConditions;
		Window nchan;
		try (var server = NchanServer.start(this.harness.options.output().toAbsolutePath().resolveSibling("nchan"))) {
			nchanConditions = server.version() + ", one worker, bench/src/main/resources/nchan.conf: a channel per VF "
					+ "keeping 64 messages, polls resuming after the last message id (If-Modified-Since, If-None-Match)";
			nchan = measure(server);
		}
		figures("6.1 peer: vsriov", vsriovConditions, vsriov);
		figures("6.2 peer: nginx + nchan", nchanConditions, nchan);
		ratios(vsriov, nchan);
	}

	/**
	 * Scenario 8: what the journal costs the hot path. The peer load against vsriov with its journal
	 * off ({@code vsriov.journal.retention=0}) and then on (the default, 100,000 events kept), one
	 * after the other in one run.
	 */
	void runJournal() {
		warmUpGenerator();
		Window off;
		try (var server = new VsriovPeer(this.harness.launch("journal-off", this.sizes.vfs,
				"--vsriov.journal.retention=0"))) {
			off = measure(server);
		}
		Window on;
		try (var server = new VsriovPeer(this.harness.launch("journal-on", this.sizes.vfs))) {
			on = measure(server);
		}
		// As a test suite uses it: an await parked for the whole window (for a fault that never comes,
		// so every event is scanned) and a fault rule in force that the load's steps never match.
		Window awaited;
		ServerProcess process = this.harness.launch("journal-awaited", this.sizes.vfs);
		HttpClient http = HttpClient.newHttpClient();
		try (var server = new VsriovPeer(process)) {
			String admin = "http://127.0.0.1:" + process.port() + "/api/v1/admin";
			HttpResponse<String> rule = http.send(HttpRequest.newBuilder(URI.create(admin + "/faults"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(
						"{\"on\": \"oid-request\", \"action\": \"delay\", \"delay\": \"1ms\", \"times\": null}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (rule.statusCode() != 201) {
				throw new IllegalStateException("the fault rule was refused: " + rule.statusCode() + " " + rule.body());
			}
			CompletableFuture<HttpResponse<Void>> await = http.sendAsync(
					HttpRequest.newBuilder(URI.create(admin + "/journal?op=fault&timeout=5m")).build(),
					HttpResponse.BodyHandlers.discarding());
			awaited = measure(server);
			if (await.isDone()) {
				throw new IllegalStateException("the journal's await ended during the window: " + await.join().statusCode());
			}
			await.cancel(true);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		String conditions = "vsriov as in 6.1; polls with ?after=CURSOR&timeout=" + VsriovPeer.POLL_TIMEOUT;
		figures("8.1 journal: off (vsriov.journal.retention=0)", conditions, off);
		figures("8.2 journal: on (vsriov.journal.retention=100000, the default)", conditions, on);
		figures("8.3 journal: on, with a journal poll parked and a fault rule in force", conditions
				+ "; GET /api/v1/admin/journal?op=fault&timeout=5m waits through the window, and a rule on oid-request "
				+ "(which the load never makes) is in force", awaited);
		journalRatios("8.4 journal: on / off", "the ratios of 8.2 to 8.1", on, off);
		journalRatios("8.5 journal: on, awaited / off", "the ratios of 8.3 to 8.1", awaited, off);
	}

	private void journalRatios(String name, String conditions, Window measured, Window off) {
		var scenario = this.harness.report.scenario(name, conditions);
		scenario.add("server CPU per delivery", ratio(measured.cpuPerDeliveryMicros(), off.cpuPerDeliveryMicros()), "x");
		scenario.add("p50", ratio(measured.p(50), off.p(50)), "x");
		scenario.add("p99", ratio(measured.p(99), off.p(99)), "x");
		scenario.add("RSS, polls parked", ratio(measured.rssBytes, off.rssBytes), "x");
		comparability(scenario, measured, off);
	}

	/**
	 * The load generator's own warm-up, once in a run, before its first measured window: the whole load
	 * (warm-up and window) against a vsriov launched for it and then stopped, unmeasured. Without it the
	 * first window of a run had the generator's C2 compiler busy too (in scenario 6, vsriov's: about 0.5 s
	 * of CPU in 20 s against 0.02 s in nchan's window), and a thread woken on the core a compiler held
	 * could wait for the scheduler's next tick (docs/decisions/0017). The servers measured are each
	 * launched fresh after it: the warmth is the generator's only.
	 */
	private void warmUpGenerator() {
		if (GENERATOR_WARM.get()) {
			return;
		}
		try (var server = new VsriovPeer(this.harness.launch("generator-warm-up", this.sizes.vfs),
				"vsriov (the load generator's warm-up pass)")) {
			measure(server);
		}
		GENERATOR_WARM.set(true);
	}

	private String load() {
		return String.format("%,d VFs each with one lossless poll, re-polled after its cursor; %,d publishes/s to random "
				+ "VFs on schedule, at most %d in flight and one per VF; the JDK's HttpClient over HTTP/1.1; measured %d s "
				+ "after %,d warm-up publishes, by a load generator warmed up by one unmeasured pass of the whole load",
				this.sizes.vfs, this.sizes.rate, PeerLoad.PUBLISHES_IN_FLIGHT, this.sizes.measure.toSeconds(),
				this.sizes.warmUp);
	}

	/** One server under the load: its polls parked, warm-up, the measured window, and the drain. */
	private <C> Window measure(PeerServer<C> server) {
		var ledger = new MessageLedger(this.sizes.vfs);
		try (var load = new PeerLoad<>(server, ledger, this.sizes.vfs)) {
			load.startAgents();
			awaitParked(server, "the first polls");
			var schedule = Schedule.startingSoon(this.sizes.rate);
			long from = schedule.start() + this.sizes.warmUpTime().toNanos();
			long to = from + this.sizes.measure.toNanos();
			ledger.measure(from, to);
			load.publishAtRate(schedule, from, to);

			var measured = new HashSet<>(server.pids());
			measured.add(ProcessHandle.current().pid());
			collectBefore(from);
			Harness.parkUntil(from);
			// The compilers' figures outside the CPU snapshots, so that the scans of /proc they take
			// count in none of them (and the window's CPU starts as close to its start as it can).
			long serverJit = compilerNanos(server);
			long generatorJit = CompilerThreads.cpuNanos(ProcessHandle.current().pid());
			long serverCpu = server.cpuNanos();
			long generatorCpu = Harness.clientCpuNanos();
			var machine = MachineLoad.now();
			long windowStart = System.nanoTime();
			Harness.parkUntil(to);
			serverCpu = server.cpuNanos() - serverCpu;
			generatorCpu = Harness.clientCpuNanos() - generatorCpu;
			var machineAfter = MachineLoad.now();
			// At least 0: a compiler thread that ended in the window takes its time with it.
			serverJit = Math.max(0, compilerNanos(server) - serverJit);
			generatorJit = Math.max(0, CompilerThreads.cpuNanos(ProcessHandle.current().pid()) - generatorJit);
			double seconds = (System.nanoTime() - windowStart) / 1e9;
			load.stop();

			this.harness.await(server.name() + "'s last deliveries", DRAIN_WITHIN,
					() -> load.idle() && ledger.outstanding() == 0);
			long lost = ledger.outstanding();
			awaitParked(server, "the polls after the load");
			long rss = server.rssBytes();
			ledger.takeErrors().forEach((error) -> this.harness.report.error(server.name() + ": " + error));
			long now = System.nanoTime();
			var slowOnes = ledger.slowOnes(JvmPauses.read(server.safepointLog(), from, now),
					JvmPauses.read(JvmPauses.generatorLog(), from, now));
			return new Window(seconds, serverCpu, generatorCpu, serverJit, generatorJit, ledger.deliveries(),
					ledger.messagesDelivered(),
					ledger.latencyMicros(), load.lagMicros(),
					machineAfter.othersCores(machine, measured, serverCpu + generatorCpu, seconds),
					machineAfter.interruptCores(machine, seconds), machine.loadAverage(), machineAfter.loadAverage(),
					machineAfter.busiestOthers(machine, measured, seconds, 3), rss, lost, slowOnes);
		}
	}

	/**
	 * The load generator collects its heap once before each window, during its warm-up (at once where
	 * the warm-up is shorter than that, as in the smoke), so that its eden (bench/run sizes it for this)
	 * holds the whole window's garbage: no pause of the generator's JVM falls in a window. Left to fall
	 * where they would, its collections came once or twice a window, of 18 to 48 ms each, and one
	 * server's window could get two where the other's got one (docs/decisions/0019). The full
	 * collection itself delays only warm-up publishes, which the schedule catches up on before the
	 * window.
	 */
	private void collectBefore(long from) {
		Harness.parkUntil(from - COLLECT_BEFORE_WINDOW.toNanos());
		System.gc();
	}

	private static long compilerNanos(PeerServer<?> server) {
		return server.pids().stream().mapToLong(CompilerThreads::cpuNanos).sum();
	}

	private void awaitParked(PeerServer<?> server, String what) {
		this.harness.await(server.name() + ": " + what + " parked", PARKED_WITHIN, () -> {
			try {
				return server.parked() == this.sizes.vfs;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	private void figures(String name, String conditions, Window window) {
		var scenario = this.harness.report.scenario(name, load() + "; " + conditions
				+ "; the busiest other processes in the window: "
				+ (window.busiestOthers.isEmpty() ? "none" : window.busiestOthers));
		scenario.add("server CPU per delivery", window.cpuPerDeliveryMicros(), "µs");
		scenario.add("p50", window.p(50), "ms");
		scenario.add("p90", window.p(90), "ms");
		scenario.add("p99", window.p(99), "ms");
		scenario.add("p99.9", window.p(99.9), "ms");
		scenario.add("max", window.latencyMicros.getMaxValue() / 1000.0, "ms");
		pauses(scenario, window.slowOnes);
		scenario.add("deliveries/s", window.deliveriesPerSecond(), "/s");
		scenario.add("messages per delivery", window.deliveries == 0 ? 0 : (double) window.messages / window.deliveries,
				"");
		// A server (or client) behind the schedule works off a backlog, more per wake-up: its figures
		// are those of catching up, not of the offered rate.
		double lag = window.lagMicros.getValueAtPercentile(99) / 1000.0;
		scenario.atMost((lag <= MAX_LAG_MILLIS) ? "at the offered rate: publish schedule lag p99"
				: "BEHIND THE SCHEDULE, the figures measure catching up: publish schedule lag p99", lag, "ms",
				MAX_LAG_MILLIS);
		scenario.add("publish schedule lag max", window.lagMicros.getMaxValue() / 1000.0, "ms");
		scenario.add("RSS, " + this.sizes.vfs + " polls parked", window.rssBytes / Harness.MB, "MiB");
		scenario.add("server CPU", window.serverCpuNanos / 1e9 / window.seconds * 100, "% core");
		scenario.add("  of it, its JIT compilers", window.serverJitNanos / 1e9 / window.seconds * 100, "% core");
		scenario.add("load generator CPU", window.generatorCpuNanos / 1e9 / window.seconds * 100, "% core");
		scenario.add("  of it, its JIT compilers", window.generatorJitNanos / 1e9 / window.seconds * 100, "% core");
		scenario.add("other processes' CPU", window.othersCores * 100, "% core");
		scenario.add("interrupts (loopback networking)", window.interruptCores * 100, "% core");
		scenario.add("load average (1 min), window start", window.loadBefore, "");
		scenario.add("load average (1 min), window end", window.loadAfter, "");
		scenario.atMost("lost", window.lost, "", 0);
	}

	/**
	 * What held up the slowest deliveries: the stop-the-world pauses of the server's JVM and of the
	 * load generator's, each of which holds every delivery in flight (from their safepoint logs).
	 */
	private static void pauses(Report.Scenario scenario, MessageLedger.SlowOnes slow) {
		if (slow.server() == null && slow.generator() == null) {
			return;
		}
		scenario.add("slowest 1 % of the deliveries", slow.slowest(), "");
		if (slow.server() != null) {
			scenario.add("  of those, in a pause of the server's JVM", slow.atServerPause(), "");
		}
		if (slow.generator() != null) {
			scenario.add("  of those, in a pause of the generator's JVM", slow.atGeneratorPause(), "");
		}
		if (slow.server() != null && slow.generator() != null) {
			scenario.add("  of those, in a pause of either", slow.atEitherPause(), "");
		}
		scenario.add("p99 of the deliveries during no JVM pause", slow.p99WithoutPauses(), "ms");
		if (slow.server() != null) {
			slow.server().addTo(scenario, "server");
		}
		if (slow.generator() != null) {
			slow.generator().addTo(scenario, "load generator");
		}
	}

	private void ratios(Window vsriov, Window nchan) {
		var scenario = this.harness.report.scenario("6.3 peer: vsriov / nginx + nchan", "the ratios of 6.1 to 6.2");
		scenario.atMost("server CPU per delivery", ratio(vsriov.cpuPerDeliveryMicros(), nchan.cpuPerDeliveryMicros()),
				"x", TARGET_CPU_RATIO);
		scenario.add("p50", ratio(vsriov.p(50), nchan.p(50)), "x");
		scenario.add("p90", ratio(vsriov.p(90), nchan.p(90)), "x");
		scenario.atMost("p99", ratio(vsriov.p(99), nchan.p(99)), "x", TARGET_P99_RATIO);
		scenario.add("p99.9", ratio(vsriov.p(99.9), nchan.p(99.9)), "x");
		scenario.add("deliveries/s", ratio(vsriov.deliveriesPerSecond(), nchan.deliveriesPerSecond()), "x");
		scenario.add("RSS, polls parked", ratio(vsriov.rssBytes, nchan.rssBytes), "x");
		comparability(scenario, vsriov, nchan);
	}

	/** Whether two windows can be compared: what other processes took in the busier of them. */
	private static void comparability(Report.Scenario scenario, Window a, Window b) {
		double others = Math.max(a.othersCores, b.othersCores);
		scenario.atMost(MachineLoad.comparable(others) ? "comparable: other processes' CPU, the busier window"
				: "NOT COMPARABLE: other processes' CPU, the busier window", others * 100, "% core",
				MachineLoad.MAX_OTHERS_CORES * 100);
	}

	private static double ratio(double a, double b) {
		return b == 0 ? Double.NaN : a / b;
	}

}
