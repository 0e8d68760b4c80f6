package org.vsriov.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's command line.
 *
 * @param smoke small counts and a few seconds, correctness only (no targets): the CI check
 * @param serverJar the service's executable jar
 * @param cdsArchive the jar's class data sharing archive (bench/run makes one), or null; the jar is
 *     then the application jar of {@code java -Djarmode=tools extract}, beside its {@code lib/}
 * @param fatJar the executable jar as built, for the start without CDS, or null
 * @param java the java launcher for the server (the one running the benchmark)
 * @param serverJvmArgs the server's JVM options
 * @param output where the JSON goes (the server logs go beside it)
 * @param scenarios which scenarios run
 * @param attacks which attacks the overload scenario makes
 * @param managementPort whether the overload scenario's servers run the actuator on a port of their own
 *     ({@code management.server.port}), where the probe's health requests then go
 * @param pfPort whether the overload scenario's servers serve the PF side on a listener of its own
 *     ({@code vsriov.http.pf-port}), where the probe's PF requests then go
 */
record Options(boolean smoke, Path serverJar, Path cdsArchive, Path fatJar, String java, List<String> serverJvmArgs, Path output,
		Set<String> scenarios, Set<String> attacks, boolean managementPort, boolean pfPort) {

	static final List<String> ALL = List.of("latency", "throughput", "capacity", "start", "overload", "peer", "pf-agent", "journal");

	static final List<String> ATTACKS = List.of("stalled", "slowloris", "flood", "sigterm");

	// What the server runs with: see docs/performance.md for why.
	static final String DEFAULT_JVM_ARGS = "-XX:+UseParallelGC -XX:ParallelGCThreads=16 -Xmx280m -Xmn48m -XX:+ExitOnOutOfMemoryError"
			+ " -Dserver.jetty.threads.max=16";

	static final String USAGE = """
			usage: bench/run [--smoke] [--only latency,throughput,capacity,start,overload,peer,pf-agent,journal] [--attacks stalled,slowloris,flood,sigterm]
			                 [--management-port] [--pf-port] [--jvm-args "..."] [--out FILE]
			  --smoke            small counts, a few seconds, correctness only (what CI runs)
			  --only             run only these scenarios (default: all)
			  --attacks          the overload scenario makes only these attacks (default: all)
			  --management-port  the overload scenario's servers run the actuator on a port of their own
			                     (management.server.port), and the probe's health requests go there
			  --pf-port          the overload scenario's servers serve the PF side on a listener of its own
			                     (vsriov.http.pf-port), and the probe's PF requests go there
			  --jvm-args         the server's JVM options (default: %s)
			  --out              the JSON results (default: target/bench/results.json)
			""".formatted(DEFAULT_JVM_ARGS);

	static Options parse(String[] args) {
		boolean smoke = false;
		Path jar = null;
		Path cds = null;
		Path fat = null;
		String jvmArgs = DEFAULT_JVM_ARGS;
		Path output = Path.of("target", "bench", "results.json");
		Set<String> scenarios = Set.copyOf(ALL);
		Set<String> attacks = Set.copyOf(ATTACKS);
		boolean managementPort = false;
		boolean pfPort = false;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--smoke" -> smoke = true;
				case "--server-jar" -> jar = Path.of(value(args, ++i));
				case "--cds" -> cds = Path.of(value(args, ++i));
				case "--fat-jar" -> fat = Path.of(value(args, ++i));
				case "--jvm-args" -> jvmArgs = value(args, ++i);
				case "--out" -> output = Path.of(value(args, ++i));
				case "--only" -> scenarios = Set.of(value(args, ++i).split(","));
				case "--attacks" -> attacks = Set.of(value(args, ++i).split(","));
				case "--management-port" -> managementPort = true;
				case "--pf-port" -> pfPort = true;
				default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
			}
		}
		if (jar == null) {
			throw new IllegalArgumentException("--server-jar is required\n" + USAGE);
		}
		if (!ALL.containsAll(scenarios)) {
			throw new IllegalArgumentException("--only takes " + String.join(",", ALL) + "\n" + USAGE);
		}
		if (!ATTACKS.containsAll(attacks)) {
			throw new IllegalArgumentException("--attacks takes " + String.join(",", ATTACKS) + "\n" + USAGE);
		}
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> jvm = jvmArgs.isBlank() ? List.of() : Arrays.asList(jvmArgs.trim().split("\\s+"));
		return new Options(smoke, jar, cds, fat, java, jvm, output, scenarios, attacks, managementPort, pfPort);
	}

	private static String value(String[] args, int i) {
		if (i >= args.length) {
			throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
		}
		return args[i];
	}

	/** The same run, but launching the executable jar as built, without CDS. */
	Options asBuilt() {
		return new Options(this.smoke, this.fatJar, null, this.fatJar, this.java, this.serverJvmArgs, this.output,
				this.scenarios, this.attacks, this.managementPort, this.pfPort);
	}

	boolean runs(String scenario) {
		return this.scenarios.contains(scenario);
	}

	/** How long each measured run lasts, and its warm-up. */
	Duration measure() {
		return this.smoke ? Duration.ofSeconds(2) : Duration.ofSeconds(20);
	}

	Duration warmUp() {
		return this.smoke ? Duration.ofMillis(500) : Duration.ofSeconds(5);
	}

}
