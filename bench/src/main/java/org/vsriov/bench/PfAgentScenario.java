package org.vsriov.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scenario 7: the round trip of a VF read answered by a PF agent (block source pf: the read becomes
 * an OID request that the agent takes with its long poll and completes), against a read from
 * vsriov's store, on the same server, one read after another, with the JDK's HttpClient.
 */
final class PfAgentScenario {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String DATA = "{\"status\": \"NDIS_STATUS_SUCCESS\", \"hex\": \"00112233445566778899aabbccddeeff\"}";

	private final Harness harness;

	PfAgentScenario(Harness harness) {
		this.harness = harness;
	}

	void run() {
		int reads = this.harness.options.smoke() ? 200 : 10_000;
		int warmUps = this.harness.options.smoke() ? 100 : 20_000;
		try (var server = this.harness.launch("pf-agent", 2)) {
			var scenario = this.harness.report.scenario("7. PF-answered reads", String.format(
					"one VF reads 16 bytes of a block %,d times, one read after another, after %,d warm-up reads: from "
							+ "vsriov's store (VF 0), and with block source pf (VF 1), where a PF agent thread takes each "
							+ "OID request with GET /pf/oid-requests and completes it with 16 bytes; the JDK's HttpClient "
							+ "over HTTP/1.1, one connection per side",
					reads, warmUps));
			String base = "http://127.0.0.1:" + server.port() + "/api/v1";
			HttpClient vf = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			HttpClient pf = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			var stop = new AtomicBoolean();
			var completed = new AtomicLong();
			var failure = new AtomicReference<String>();
			var agent = new Thread(() -> agent(pf, base, stop, completed, failure), "pf-agent");
			agent.setDaemon(true);
			try {
				send(pf, HttpRequest.newBuilder(URI.create(base + "/pf/vfs/1/block-source"))
					.header("Content-Type", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString("{\"blockSource\": \"pf\"}")), 204);
				agent.start();
				Measured store = measure(server, vf, base + "/vfs/0/config-blocks/5?length=16", reads, warmUps);
				Measured answered = measure(server, vf, base + "/vfs/1/config-blocks/5?length=16", reads, warmUps);
				report(scenario, "store", store);
				report(scenario, "PF agent", answered);
				scenario.add("PF agent / store: p50", answered.latency.getValueAtPercentile(50)
						/ (double) store.latency.getValueAtPercentile(50), "x");
				scenario.add("PF agent / store: server CPU per read", answered.cpuMicros() / store.cpuMicros(), "x");
				scenario.add("requests the agent completed", completed.get(), "");
				scenario.add("timed out (pf-timeout)", server.metric("vsriov_oid_requests_timed_out_total"), "");
			}
			catch (IOException ex) {
				this.harness.report.error("the PF-answered reads failed: " + ex);
			}
			finally {
				stop.set(true);
				agent.interrupt();
				if (failure.get() != null) {
					this.harness.report.error(failure.get());
				}
			}
		}
	}

	/** The PF agent: takes each request handed over and completes it with 16 bytes, until stopped. */
	private static void agent(HttpClient pf, String base, AtomicBoolean stop, AtomicLong completed,
			AtomicReference<String> failure) {
		String cursor = null;
		while (!stop.get()) {
			try {
				HttpResponse<String> taken = pf.send(HttpRequest.newBuilder(URI.create(base
						+ "/pf/oid-requests?timeout=5s" + ((cursor != null) ? "&after=" + cursor : ""))).build(),
						HttpResponse.BodyHandlers.ofString());
				cursor = taken.headers().firstValue("Vsriov-Cursor").orElse(null);
				if (taken.statusCode() != 200) {
					continue;
				}
				for (JsonNode request : JSON.readTree(taken.body()).get("requests")) {
					send(pf, HttpRequest.newBuilder(URI.create(base + "/pf/oid-requests/" + request.get("requestId").asLong()))
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString(DATA)), 204);
					completed.incrementAndGet();
				}
			}
			catch (IOException | RuntimeException ex) {
				if (!stop.get()) {
					failure.set("the PF agent failed: " + ex);
				}
				return;
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private static Measured measure(ServerProcess server, HttpClient vf, String uri, int reads, int warmUps)
			throws IOException {
		var read = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10));
		for (int i = 0; i < warmUps; i++) {
			send(vf, read, 200);
		}
		var latency = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
		long cpu = server.cpuNanos();
		for (int i = 0; i < reads; i++) {
			long start = System.nanoTime();
			send(vf, read, 200);
			latency.recordValue((System.nanoTime() - start) / 1000);
		}
		return new Measured(latency, server.cpuNanos() - cpu, reads);
	}

	private static void report(Report.Scenario scenario, String name, Measured measured) {
		scenario.add(name + ": p50", measured.latency.getValueAtPercentile(50) / 1000.0, "ms");
		scenario.add(name + ": p99", measured.latency.getValueAtPercentile(99) / 1000.0, "ms");
		scenario.add(name + ": server CPU per read", measured.cpuMicros(), "µs");
	}

	private static String send(HttpClient client, HttpRequest.Builder request, int status) throws IOException {
		HttpResponse<String> response;
		try {
			response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", ex);
		}
		if (response.statusCode() != status) {
			throw new IOException(request.build().uri() + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	/**
	 * The reads of one side.
	 *
	 * @param latency each read's round trip, in microseconds
	 * @param serverCpuNanos the server's CPU during the reads
	 * @param reads how many
	 */
	private record Measured(Histogram latency, long serverCpuNanos, int reads) {

		double cpuMicros() {
			return this.serverCpuNanos / 1000.0 / this.reads;
		}

	}

}
