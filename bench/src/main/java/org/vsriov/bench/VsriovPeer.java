package org.vsriov.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * vsriov as the peer scenario drives it: the PF's {@code POST /pf/vfs/{vfId}/invalidations} and the
 * VF's lossless cursor poll of API.md (a {@code timeout=0} poll to learn the cursor, then
 * {@code ?after=CURSOR&timeout=30s}, the cursor coming in {@code Vsriov-Cursor}).
 */
final class VsriovPeer implements PeerServer<String> {

	static final String POLL_TIMEOUT = "30s";

	private final ServerProcess server;

	private final String base;

	private final String name;

	VsriovPeer(ServerProcess server) {
		this(server, "vsriov");
	}

	/** A vsriov named {@code name} in the benchmark's messages (its errors and waits). */
	VsriovPeer(ServerProcess server, String name) {
		this.server = server;
		this.base = "http://127.0.0.1:" + server.port() + "/api/v1";
		this.name = name;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public HttpRequest publish(int vf, String json) {
		return PeerServer.postJson(this.base + "/pf/vfs/" + vf + "/invalidations", json);
	}

	@Override
	public boolean accepted(int status) {
		return status == 202;
	}

	@Override
	public HttpRequest poll(int vf, String cursor) {
		String uri = this.base + "/vfs/" + vf + "/invalidations"
				+ (cursor == null ? "?timeout=0"
						: "?after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8) + "&timeout=" + POLL_TIMEOUT);
		return HttpRequest.newBuilder(URI.create(uri))
			.timeout(VfPollers.duration(POLL_TIMEOUT).plus(PeerLoad.PUBLISH_TIMEOUT))
			.build();
	}

	@Override
	public Answer<String> read(HttpResponse<String> response) {
		String cursor = response.headers().firstValue("Vsriov-Cursor").orElse(null);
		if (cursor == null || (response.statusCode() != 200 && response.statusCode() != 204)) {
			return Answer.failed("HTTP " + response.statusCode() + (cursor == null ? " without a cursor" : "") + ": "
					+ response.body());
		}
		long mask = response.statusCode() == 200 ? PeerServer.blockMask(response.body()) : 0;
		if (response.statusCode() == 200 && mask == 0) {
			return Answer.failed("a 200 without a block mask: " + response.body());
		}
		return new Answer<>(mask, cursor, null);
	}

	@Override
	public int parked() throws IOException {
		return (int) this.server.metric("vsriov_polls_parked");
	}

	@Override
	public Set<Long> pids() {
		return Set.of(this.server.pid());
	}

	@Override
	public long cpuNanos() {
		return this.server.cpuNanos();
	}

	@Override
	public long rssBytes() {
		return this.server.rssBytes();
	}

	@Override
	public Path safepointLog() {
		return this.server.safepointLog();
	}

	@Override
	public void close() {
		this.server.close();
	}

}
