package org.vsriov.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's entry point (run it with {@code bench/run}): launches the server per scenario,
 * drives it over loopback HTTP, prints the figures and writes them as JSON. Exit 0: correct and,
 * in a full run, every target met; 1: loss or an error; 2: a target missed; 3: over its time limit.
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(64);
			return;
		}
		watchdog(options.smoke() ? Duration.ofMinutes(3) : Duration.ofMinutes(15));
		// A benchmark stopped from outside (Ctrl-C, a CI timeout) takes its servers with it.
		Runtime.getRuntime().addShutdownHook(new Thread(Bench::killAll));
		var run = new LinkedHashMap<String, Object>();
		run.put("date", Instant.now().toString());
		run.put("mode", options.smoke() ? "smoke (correctness only, no targets)" : "full");
		run.put("jdk", Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
		run.put("server JVM", String.join(" ", options.serverJvmArgs())
				+ ", MALLOC_ARENA_MAX=2, and a safepoint log (-Xlog:safepoint, server-NAME-safepoints.log beside the results)");
		run.put("load generator JVM", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
		run.put("cpus", Runtime.getRuntime().availableProcessors());
		run.put("memory", ServerProcess.machineMemory());
		run.put("server jar", options.serverJar().getFileName().toString()
				+ (options.cdsArchive() != null ? " (extracted, with a CDS archive)" : ""));
		var report = new Report(run, !options.smoke());
		var harness = new Harness(options, report);
		try {
			if (options.runs("latency") || options.runs("throughput")) {
				new LoadScenarios(harness).run();
			}
			if (options.runs("capacity")) {
				new CapacityScenario(harness).run();
			}
			if (options.runs("start")) {
				new StartScenario(harness).run();
			}
			if (options.runs("overload")) {
				new OverloadScenario(harness).run();
			}
			if (options.runs("peer")) {
				new PeerScenario(harness).run();
			}
			if (options.runs("journal")) {
				new PeerScenario(harness).runJournal();
			}
			if (options.runs("pf-agent")) {
				new PfAgentScenario(harness).run();
			}
		}
		catch (RuntimeException ex) {
			report.error("the benchmark failed: " + ex);
			ex.printStackTrace();
		}
		finally {
			killAll();
		}
		report.print();
		report.write(options.output());
		System.out.println("results: " + options.output());
		System.exit(!report.correct() ? 1 : report.targetsMet() || options.smoke() ? 0 : 2);
	}

	/** Stops every server and attacker process still running. */
	private static void killAll() {
		ServerProcess.killAll();
		NchanServer.killAll();
		Attackers.killAll();
	}

	/** A run that hangs is a failure: after the limit, kill the servers and exit 3. */
	private static void watchdog(Duration limit) {
		var thread = new Thread(() -> {
			try {
				TimeUnit.NANOSECONDS.sleep(limit.toNanos());
			}
			catch (InterruptedException ex) {
				return;
			}
			System.err.println("bench: still running after " + limit.toMinutes() + " min; stopping");
			killAll();
			Runtime.getRuntime().halt(3);
		}, "watchdog");
		thread.setDaemon(true);
		thread.start();
	}

}
