package org.vsriov.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A vsriov server the benchmark launched as a separate JVM ({@code java -jar}), with what the
 * benchmark reads off it: time to ready, RSS and CPU from {@code /proc}, heap after a GC from its
 * own Prometheus endpoint. Its log goes to a file beside the results. Its actuator is on its main
 * port, or on a port of its own ({@code management.server.port}) if launched so.
 */
final class ServerProcess implements AutoCloseable {

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final Duration READY_WITHIN = Duration.ofSeconds(60);

	// A tick of USER_HZ, the unit of CPU times in /proc/PID/stat and /proc/stat: 100 a second on every
	// Linux architecture in use.
	static final long NANOS_PER_TICK = 1_000_000_000L / 100;

	private final Process process;

	private final int port;

	// The actuator's port: the main port, or one of its own.
	private final int managementPort;

	// Where the PF side is served: the main port, or a listener of its own (vsriov.http.pf-port).
	private final int pfPort;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final long readyMillis;

	private final Path log;

	private final Path safepointLog;

	private final long idleRssBytes;

	private ServerProcess(Options options, String name, int vfs, boolean ownManagementPort, boolean ownPfPort,
			List<String> settings) throws IOException {
		this.port = freePort();
		this.managementPort = ownManagementPort ? freePort(this.port) : this.port;
		int pf = ownPfPort ? freePort(this.port) : this.port;
		while (ownPfPort && pf == this.managementPort) {
			pf = freePort(this.port);
		}
		this.pfPort = pf;
		var command = new ArrayList<String>();
		command.add(options.java());
		command.addAll(options.serverJvmArgs());
		this.safepointLog = options.output().toAbsolutePath().resolveSibling("server-" + name + "-safepoints.log");
		Files.deleteIfExists(this.safepointLog);
		command.add(JvmPauses.logOption(this.safepointLog));
		if (options.cdsArchive() != null) {
			// -Xshare:on: a launch whose archive does not map fails instead of quietly starting slower.
			command.add("-XX:SharedArchiveFile=" + options.cdsArchive().toAbsolutePath());
			command.add("-Xshare:on");
		}
		// From the jar's own folder, by its bare name: a CDS archive only maps for the exact class path
		// it was made with (bench/run makes it that way).
		Path jar = options.serverJar().toAbsolutePath();
		command.addAll(List.of("-jar", jar.getFileName().toString(), "--server.port=" + this.port,
				"--server.address=127.0.0.1", "--vsriov.total-vfs=" + vfs, "--vsriov.initial-vfs=" + vfs));
		command.addAll(settings);
		if (ownManagementPort) {
			// A second Jetty, with a connector, threads and accept queue of its own; on loopback too.
			command.addAll(List.of("--management.server.port=" + this.managementPort,
					"--management.server.address=127.0.0.1"));
		}
		if (ownPfPort) {
			// A second connector of the main Jetty, with its own accept queue and threads.
			command.add("--vsriov.http.pf-port=" + this.pfPort);
		}
		this.log = options.output().toAbsolutePath().resolveSibling("server-" + name + ".log");
		Files.createDirectories(this.log.getParent());
		long launched = System.nanoTime();
		var builder = new ProcessBuilder(command).directory(jar.getParent().toFile());
		// Two malloc arenas instead of one per core and thread: less native memory (docs/performance.md).
		builder.environment().put("MALLOC_ARENA_MAX", "2");
		this.process = builder.redirectErrorStream(true)
			.redirectOutput(this.log.toFile())
			.start();
		RUNNING.add(this.process);
		awaitReady();
		this.readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
		this.idleRssBytes = rssBytes();
	}

	static ServerProcess start(Options options, String name, int vfs) {
		return start(options, name, vfs, false, false, List.of());
	}

	/**
	 * A server whose actuator, if {@code ownManagementPort}, runs on a port of its own, and whose PF
	 * side, if {@code ownPfPort}, has a listener of its own.
	 * @param settings more of the server's settings, as {@code --name=value} arguments
	 */
	static ServerProcess start(Options options, String name, int vfs, boolean ownManagementPort, boolean ownPfPort,
			List<String> settings) {
		try {
			return new ServerProcess(options, name, vfs, ownManagementPort, ownPfPort, settings);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The machine's memory, from /proc/meminfo. */
	static String machineMemory() {
		try {
			long bytes = procBytes(Path.of("/proc/meminfo"), "MemTotal:");
			return String.format("%.1f GiB", bytes / 1024.0 / 1024.0 / 1024.0);
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	/** Stops every server still running, for the watchdog. */
	static void killAll() {
		RUNNING.forEach(Process::destroyForcibly);
	}

	private static int freePort() throws IOException {
		try (var socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** A free port other than {@code taken} (picked, not yet bound by the server). */
	private static int freePort(int taken) throws IOException {
		int port = freePort();
		while (port == taken) {
			port = freePort();
		}
		return port;
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + READY_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"the server exited with " + this.process.exitValue() + "; see " + this.log);
			}
			try {
				if (get("/actuator/health/readiness").contains("\"UP\"")) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		close();
		throw new IllegalStateException("the server was not ready within " + READY_WITHIN + "; see " + this.log);
	}

	boolean alive() {
		return this.process.isAlive();
	}

	Path log() {
		return this.log;
	}

	/** Its safepoint log ({@link JvmPauses}). */
	Path safepointLog() {
		return this.safepointLog;
	}

	int port() {
		return this.port;
	}

	/** Where the actuator answers: {@link #port()}, unless launched with a management port of its own. */
	int managementPort() {
		return this.managementPort;
	}

	boolean ownManagementPort() {
		return this.managementPort != this.port;
	}

	/** Where the PF side is served: {@link #port()}, unless launched with a PF listener of its own. */
	int pfPort() {
		return this.pfPort;
	}

	long pid() {
		return this.process.pid();
	}

	long readyMillis() {
		return this.readyMillis;
	}

	long idleRssBytes() {
		return this.idleRssBytes;
	}

	/** Resident set size, from /proc/PID/status. */
	long rssBytes() {
		return status("VmRSS:");
	}

	/** The highest resident set size so far (the high-water mark), from /proc/PID/status. */
	long peakRssBytes() {
		return status("VmHWM:");
	}

	private long status(String field) {
		return status(pid(), field);
	}

	/** A {@code Field:  N kB} line of /proc/PID/status, in bytes. */
	static long status(long pid, String field) {
		try {
			return procBytes(Path.of("/proc", Long.toString(pid), "status"), field);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A {@code Field:  N kB} line of a /proc file, in bytes. */
	private static long procBytes(Path file, String field) throws IOException {
		for (String line : Files.readAllLines(file)) {
			if (line.startsWith(field)) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IllegalStateException("no " + field + " in " + file);
	}

	/** User plus system CPU time the server has used, from /proc/PID/stat. */
	long cpuNanos() {
		return cpuNanos(pid());
	}

	/** User plus system CPU time a process has used (its threads', the ended ones' too), from /proc/PID/stat. */
	static long cpuNanos(long pid) {
		try {
			return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * NANOS_PER_TICK;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** User plus system time, in ticks, from the content of a /proc/PID/stat. */
	static long cpuTicks(String stat) {
		// Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/** Heap in use right after a full GC ({@code jcmd PID GC.run}), from the server's own metrics. */
	long heapAfterGcBytes() {
		try {
			Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
			Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!gc.waitFor(30, TimeUnit.SECONDS)) {
				gc.destroyForcibly();
				throw new IllegalStateException("jcmd GC.run took more than 30 s");
			}
			if (gc.exitValue() != 0) {
				throw new IllegalStateException("jcmd GC.run failed");
			}
			return (long) metric("jvm_memory_used_bytes{area=\"heap\"");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The sum of every Prometheus sample whose line starts with {@code prefix}. */
	double metric(String prefix) throws IOException {
		double sum = 0;
		for (String line : get("/actuator/prometheus").split("\n")) {
			if (line.startsWith(prefix)) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return sum;
	}

	/** A GET of an actuator endpoint, on the actuator's port. */
	private String get(String path) throws IOException {
		var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * SIGTERM ({@link Process#destroy()} on Linux), as an orchestrator stops a pod, and the wait for the
	 * process to exit.
	 * @return milliseconds from the signal to the exit, or -1 if it had not exited within 60 s (it is
	 *     then killed)
	 */
	long terminate() {
		long signalled = System.nanoTime();
		this.process.destroy();
		try {
			if (this.process.waitFor(60, TimeUnit.SECONDS)) {
				return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
			}
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
			return -1;
		}
	}

	/** SIGTERM (graceful shutdown answers the parked polls), then a kill if it takes too long. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		RUNNING.remove(this.process);
	}

}
