package org.vsriov.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * nginx with the nchan module, the peer scenario's other server: Debian's packages (bench/run
 * installs them), the benchmark's own configuration ({@code nchan.conf} beside this class) in a
 * folder of its own, one worker, on loopback, stopped by its pid. A channel per VF: the PF publishes
 * with {@code POST /pub?id=VF}, the VF polls {@code GET /sub?id=VF} and resumes after the
 * {@link NchanMessageId} of its last message.
 */
final class NchanServer implements PeerServer<NchanMessageId> {

	static final Path NGINX = Path.of("/usr/sbin/nginx");

	static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final Duration READY_WITHIN = Duration.ofSeconds(10);

	// nchan_subscriber_timeout in nchan.conf, plus as long again for the answer.
	private static final Duration POLL_TIMEOUT = Duration.ofSeconds(30 + 10);

	private final Process master;

	private final Path folder;

	private final String base;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private NchanServer(Path folder) throws IOException {
		var missing = Stream.of(NGINX, MODULE).filter((file) -> !Files.exists(file)).toList();
		if (!missing.isEmpty()) {
			throw new IllegalStateException("nginx + nchan are not installed (no " + missing + "); bench/run installs "
					+ "the Debian packages nginx-light and libnginx-mod-nchan");
		}
		int port;
		try (var socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.folder = folder;
		this.base = "http://127.0.0.1:" + port;
		deleteRecursively(folder);
		Files.createDirectories(folder);
		Path conf = folder.resolve("nginx.conf");
		Files.writeString(conf, configuration(MODULE, folder, port));
		// -p and -c: nothing of the system's nginx configuration; -e: not even its error log at start.
		this.master = new ProcessBuilder(NGINX.toString(), "-p", folder.toString(), "-c", conf.toString(), "-e",
				folder.resolve("error.log").toString())
			.redirectErrorStream(true)
			.redirectOutput(folder.resolve("nginx.log").toFile())
			.start();
		RUNNING.add(this.master);
		awaitReady();
	}

	/** Starts nginx with its files in {@code folder}, which it empties first. */
	static NchanServer start(Path folder) {
		try {
			return new NchanServer(folder);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** nchan.conf with the module, the folder and the port filled in. */
	static String configuration(Path module, Path folder, int port) {
		try (InputStream in = NchanServer.class.getResourceAsStream("/nchan.conf")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${module}", module.toString())
				.replace("${prefix}", folder.toString())
				.replace("${port}", Integer.toString(port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Stops every nginx still running, for the watchdog. */
	static void killAll() {
		RUNNING.forEach(NchanServer::kill);
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + READY_WITHIN.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.master.isAlive()) {
				throw new IllegalStateException("nginx exited with " + this.master.exitValue() + "; see "
						+ this.folder.resolve("nginx.log") + " and error.log beside it");
			}
			try {
				status();
				return;
			}
			catch (IOException notYet) {
				// not listening yet
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		close();
		throw new IllegalStateException("nginx was not ready within " + READY_WITHIN + "; see " + this.folder);
	}

	@Override
	public String name() {
		return "nginx + nchan";
	}

	@Override
	public HttpRequest publish(int vf, String json) {
		return PeerServer.postJson(this.base + "/pub?id=" + vf, json);
	}

	/** 201 when a subscriber was waiting, 202 when none was. */
	@Override
	public boolean accepted(int status) {
		return status == 201 || status == 202;
	}

	@Override
	public HttpRequest poll(int vf, NchanMessageId after) {
		var request = HttpRequest.newBuilder(URI.create(this.base + "/sub?id=" + vf)).timeout(POLL_TIMEOUT);
		if (after != null) {
			request.header("If-Modified-Since", after.lastModified()).header("If-None-Match", after.etag());
		}
		return request.build();
	}

	/** 200 with a message and its id; 408 when nchan_subscriber_timeout passed without one. */
	@Override
	public Answer<NchanMessageId> read(HttpResponse<String> response) {
		if (response.statusCode() == 408) {
			return new Answer<>(0, null, null);
		}
		if (response.statusCode() != 200) {
			return Answer.failed("HTTP " + response.statusCode() + ": " + response.body());
		}
		long mask = PeerServer.blockMask(response.body());
		if (mask == 0) {
			return Answer.failed("a message without a block mask: " + response.body());
		}
		try {
			var id = NchanMessageId.parse(response.headers().firstValue("Last-Modified").orElse(null),
					response.headers().firstValue("Etag").orElse(null));
			return new Answer<>(mask, id, null);
		}
		catch (IllegalArgumentException ex) {
			return Answer.failed(ex.getMessage());
		}
	}

	@Override
	public int parked() throws IOException {
		return subscribers(status());
	}

	/** The {@code subscribers: N} line of nchan_stub_status. */
	static int subscribers(String status) {
		for (String line : status.split("\n")) {
			if (line.startsWith("subscribers:")) {
				return Integer.parseInt(line.substring("subscribers:".length()).trim());
			}
		}
		throw new IllegalArgumentException("no subscribers line in nchan's status: " + status);
	}

	/** What runs, as nginx and nchan say: {@code nginx/1.22.1 + nchan 1.3.6}. */
	String version() {
		try {
			var status = statusResponse();
			String nchan = status.body().lines()
				.filter((line) -> line.startsWith("nchan version:"))
				.map((line) -> line.substring("nchan version:".length()).trim())
				.findFirst()
				.orElse("unknown");
			return status.headers().firstValue("Server").orElse("nginx") + " + nchan " + nchan;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String status() throws IOException {
		return statusResponse().body();
	}

	private HttpResponse<String> statusResponse() throws IOException {
		var request = HttpRequest.newBuilder(URI.create(this.base + "/status")).timeout(Duration.ofSeconds(5)).build();
		try {
			var response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("nchan's status: HTTP " + response.statusCode());
			}
			return response;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/** The master and its workers. */
	@Override
	public Set<Long> pids() {
		var pids = new HashSet<Long>();
		pids.add(this.master.pid());
		this.master.children().forEach((worker) -> pids.add(worker.pid()));
		return pids;
	}

	@Override
	public long cpuNanos() {
		return pids().stream().mapToLong(ServerProcess::cpuNanos).sum();
	}

	@Override
	public long rssBytes() {
		return pids().stream().mapToLong((pid) -> ServerProcess.status(pid, "VmRSS:")).sum();
	}

	/** SIGTERM to the master (nginx's fast shutdown: it stops its workers), then a kill if it takes too long. */
	@Override
	public void close() {
		this.master.destroy();
		try {
			if (!this.master.waitFor(10, TimeUnit.SECONDS)) {
				kill(this.master);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(this.master);
		}
		RUNNING.remove(this.master);
	}

	// The workers first: a killed master leaves them running.
	private static void kill(Process master) {
		master.descendants().forEach(ProcessHandle::destroyForcibly);
		master.destroyForcibly();
	}

	private static void deleteRecursively(Path folder) throws IOException {
		if (!Files.exists(folder)) {
			return;
		}
		try (var files = Files.walk(folder)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
