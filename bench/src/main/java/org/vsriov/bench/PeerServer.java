package org.vsriov.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A server the peer scenario drives with the same load, vsriov or nginx + nchan: its two requests,
 * how to read a poll's answer, and what its processes cost.
 *
 * @param <C> the cursor a VF's poll resumes from
 */
interface PeerServer<C> extends AutoCloseable {

	// vsriov's answer and nchan's message (the published body) both carry it.
	Pattern BLOCK_MASK = Pattern.compile("\"blockMask\"\\s*:\\s*\"0x([0-9a-fA-F]{1,16})\"");

	/** Its name in the figures. */
	String name();

	/** The PF's publish of {@code json} for the VF. */
	HttpRequest publish(int vf, String json);

	/** Whether a publish's status means the server took it. */
	boolean accepted(int status);

	/** The VF's poll after {@code cursor}; the first one, without a cursor, if it is null. */
	HttpRequest poll(int vf, C cursor);

	/** What an answer to a poll says. */
	Answer<C> read(HttpResponse<String> response);

	/** Polls the server holds parked now. */
	int parked() throws IOException;

	/** Its processes. */
	Set<Long> pids();

	/** CPU time its processes have used so far. */
	long cpuNanos();

	/** Its processes' resident set size now. */
	long rssBytes();

	/** Its JVM's safepoint log ({@link JvmPauses}), or null if it is not a JVM. */
	default Path safepointLog() {
		return null;
	}

	@Override
	void close();

	/** A POST of JSON, as the PF publishes to either server. */
	static HttpRequest postJson(String uri, String json) {
		return HttpRequest.newBuilder(URI.create(uri))
			.header("Content-Type", "application/json")
			.timeout(PeerLoad.PUBLISH_TIMEOUT)
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
	}

	/** The {@code "blockMask": "0x..."} of a JSON body; 0 if it has none. */
	static long blockMask(String json) {
		var matcher = BLOCK_MASK.matcher(json);
		return matcher.find() ? Long.parseUnsignedLong(matcher.group(1), 16) : 0;
	}

	/**
	 * One poll's answer.
	 *
	 * @param <C> the cursor type
	 * @param mask the block mask it carries, or 0 for an answer without a message (a poll timeout)
	 * @param cursor the cursor to poll after next, or null to keep the last one
	 * @param failure why the answer is wrong, or null
	 */
	record Answer<C>(long mask, C cursor, String failure) {

		static <C> Answer<C> failed(String why) {
			return new Answer<>(0, null, why);
		}

	}

}
