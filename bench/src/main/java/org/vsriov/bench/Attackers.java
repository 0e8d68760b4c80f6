package org.vsriov.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attacker processes of one attack, launched by the benchmark as separate JVMs so that the
 * attack's sockets, threads and CPU are not the probe's: the same bench jar, another main class
 * ({@link AttackProcess}). Each is told {@code go} and {@code stop} on its stdin and answers with
 * JSON lines on its stdout; its stderr goes to a log beside the results.
 */
final class Attackers implements AutoCloseable {

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	// Small and quiet: an attacker holds sockets, not objects, and its JIT should not take the server's CPU.
	private static final List<String> JVM_ARGS = List.of("-Xmx256m", "-Xss256k", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1", "-XX:-UsePerfData");

	// Each process connects from a loopback address of its own (127.0.0.11 and on): its own ephemeral
	// ports, and no search through the other processes' ports on every connect.
	private static final AtomicInteger NEXT_SOURCE = new AtomicInteger();

	private final List<Attacker> attackers = new ArrayList<>();

	private Attackers(Options options, String name, Class<? extends AttackProcess> main, List<List<String>> args)
			throws IOException {
		for (int i = 0; i < args.size(); i++) {
			var command = new ArrayList<String>();
			command.add(options.java());
			command.addAll(JVM_ARGS);
			command.addAll(launch(main));
			command.addAll(args.get(i));
			command.addAll(List.of("--source", "127.0.0." + (11 + NEXT_SOURCE.getAndIncrement() % 240)));
			Path log = options.output().toAbsolutePath().resolveSibling("attacker-" + name + "-" + (i + 1) + ".log");
			Files.createDirectories(log.getParent());
			Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
			RUNNING.add(process);
			this.attackers.add(new Attacker(process, log));
		}
	}

	/** Launches one attacker process per element of {@code args}, each with those arguments. */
	static Attackers launch(Options options, String name, Class<? extends AttackProcess> main, List<List<String>> args) {
		try {
			return new Attackers(options, name, main, args);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * How to run another main class of the bench: its jar is a Spring Boot executable jar, whose own
	 * classes and libraries are nested, so the loader's PropertiesLauncher picks the class.
	 */
	private static List<String> launch(Class<?> main) {
		String classPath = System.getProperty("java.class.path");
		if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
			return List.of("-cp", classPath, "-Dloader.main=" + main.getName(),
					"org.springframework.boot.loader.launch.PropertiesLauncher");
		}
		return List.of("-cp", classPath, main.getName());
	}

	/** Stops every attacker still running, for the watchdog and the shutdown hook. */
	static void killAll() {
		RUNNING.forEach(Process::destroyForcibly);
	}

	/** Waits until every attacker has started and said it is ready. */
	void awaitReady(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		for (Attacker attacker : this.attackers) {
			try {
				if (!attacker.ready.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					throw new IllegalStateException("an attacker was not ready within " + within + "; see " + attacker.log);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** Starts the attack in every process. */
	void go() {
		this.attackers.forEach((attacker) -> attacker.tell("go"));
	}

	/** Tells every process still attacking to stop and report. */
	void stop() {
		this.attackers.forEach((attacker) -> attacker.tell("stop"));
	}

	/** Whether every attacker has reported (those that finish by themselves do so unasked). */
	boolean reported() {
		return this.attackers.stream().allMatch((attacker) -> attacker.report.isDone());
	}

	/** The attackers' reports as one, waiting for them at most {@code within}. */
	AttackReport reports(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		var reports = new ArrayList<AttackReport>();
		for (Attacker attacker : this.attackers) {
			try {
				reports.add(attacker.report.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("an attacker gave no report: " + ex.getMessage() + "; see " + attacker.log);
			}
		}
		return AttackReport.merge(reports);
	}

	/** Closes their stdin (an attacker exits then) and makes sure each has gone. */
	@Override
	public void close() {
		for (Attacker attacker : this.attackers) {
			try {
				attacker.process.getOutputStream().close();
			}
			catch (IOException ex) {
				// already gone
			}
		}
		for (Attacker attacker : this.attackers) {
			try {
				if (!attacker.process.waitFor(5, TimeUnit.SECONDS)) {
					attacker.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				attacker.process.destroyForcibly();
			}
			RUNNING.remove(attacker.process);
		}
	}

	/** One attacker process and what it has said. */
	private static final class Attacker {

		final Process process;

		final Path log;

		final CountDownLatch ready = new CountDownLatch(1);

		final CompletableFuture<AttackReport> report = new CompletableFuture<>();

		Attacker(Process process, Path log) {
			this.process = process;
			this.log = log;
			var reader = new Thread(this::read, "attacker-" + process.pid());
			reader.setDaemon(true);
			reader.start();
		}

		private void read() {
			try (var lines = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.equals(AttackReport.READY)) {
						this.ready.countDown();
					}
					AttackReport.parse(line).ifPresent(this.report::complete);
				}
			}
			catch (IOException ex) {
				// as the end of its output
			}
			this.report.completeExceptionally(new IllegalStateException("it exited without one"));
		}

		void tell(String line) {
			try {
				OutputStream stdin = this.process.getOutputStream();
				stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
				stdin.flush();
			}
			catch (IOException ex) {
				// It has already finished and exited: its report says what it saw.
			}
		}

	}

}
