package org.vsriov.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that are slow, stall or come in numbers, on a real server with small limits: each is cut
 * off or refused at once, and the PF side and health answer meanwhile.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.total-vfs=2000", "vsriov.initial-vfs=2000", "vsriov.poll.max-parked=3",
				"vsriov.http.request-head-timeout=500ms", "vsriov.http.io-timeout=1s", "vsriov.http.max-busy-requests=2", "server.jetty.threads.max=10" })
class HostileClientsServerTest {

	// Far under the limits a hostile client meets (the 1 s I/O timeout, the 0.5 s head deadline) when
	// nothing blocks; far over them when it would.
	private static final Duration PROMPTLY = Duration.ofMillis(900);

	@Autowired
	private VirtualAdapter adapter;

	@Autowired
	private ServletWebServerApplicationContext context;

	@LocalServerPort
	private int port;

	private final ScheduledExecutorService clients = Executors.newScheduledThreadPool(2);

	private final List<Socket> sockets = new ArrayList<>();

	@AfterEach
	void close() throws IOException {
		this.clients.shutdownNow();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	@Test
	void requestHeadSentAByteAtATimeShouldBeCutOffAtItsDeadline() throws Exception {
		var socket = connect();
		byte[] head = "GET /api/v1/pf HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
		socket.getOutputStream().write(head, 0, 1);
		long start = System.nanoTime();
		this.clients.scheduleAtFixedRate(() -> {
			try {
				socket.getOutputStream().write('a');
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex); // closed: stops the schedule
			}
		}, 100, 100, TimeUnit.MILLISECONDS);
		assertThat(closedByServer(socket)).isTrue();
		// The sweep runs four times per deadline: closed between one and one and a half deadlines.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
		assertPfAndHealthAnswerPromptly();
	}

	@Test
	void requestHeadInPartsWithinTheDeadlineAndAnIdleKeepAliveConnectionShouldBeServed() throws Exception {
		var socket = connect();
		socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
		var rest = this.clients.schedule(() -> send(socket, "Host: x\r\n\r\n"), 300, TimeUnit.MILLISECONDS);
		String first = RawHttp.readHead(socket.getInputStream());
		assertThat(first).startsWith("HTTP/1.1 200");
		rest.get();
		skipBody(socket.getInputStream(), first);
		// Idle for three deadlines: that is the idle timeout's business, not the request deadline's.
		var second = this.clients.schedule(() -> send(socket, "GET /actuator/health HTTP/1.1\r\nHost: x\r\n\r\n"),
				1500, TimeUnit.MILLISECONDS);
		assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
		second.get();
	}

	@Test
	void clientsThatNeverReadLargeAnswersShouldBeCutOffWhileThePfAndHealthAnswer() throws Exception {
		var stalled = new ArrayList<Socket>();
		String pipelined = "GET /api/v1/pf HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20);
		for (int i = 0; i < 8; i++) {
			var socket = new Socket();
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress("127.0.0.1", this.port));
			this.sockets.add(socket);
			stalled.add(socket);
			socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
		}
		// Two of them hold the two requests that may run at once, the others wait: with 10 threads in all,
		// none holds back the PF.
		assertPfAndHealthAnswerPromptly();
		Set<Integer> ports = stalled.stream().map(Socket::getLocalPort).collect(Collectors.toSet());
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(remotePorts()).as("stalled connections still open").doesNotContainAnyElementsOf(ports));
		assertPfAndHealthAnswerPromptly();
	}

	@Test
	void pollOverTheBoundOnParkedPollsShouldGetA429AtOnceAndItsConnectionClosed() throws Exception {
		for (int vf = 10; vf < 13; vf++) {
			send(connect(), "GET /api/v1/vfs/" + vf + "/invalidations?timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.adapter.stats().parkedPolls() == 3);
		var refused = connect();
		long start = System.nanoTime();
		send(refused, "GET /api/v1/vfs/13/invalidations?timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n");
		String head = RawHttp.readHead(refused.getInputStream());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
		assertThat(head).startsWith("HTTP/1.1 429 ");
		assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\nretry-after: 1\r\n", "\r\nconnection: close\r\n",
				"\r\ncontent-type: application/problem+json\r\n");
		String body = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(body).contains("\"type\":\"" + ProblemType.BASE + "too-many-polls\"", "\"maxParked\":3");
		assertPfAndHealthAnswerPromptly();

		this.adapter.invalidate(10, BlockMask.parse("0x1"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.adapter.stats().parkedPolls() == 2);
		send(connect(), "GET /api/v1/vfs/13/invalidations?timeout=60s HTTP/1.1\r\nHost: x\r\n\r\n");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.adapter.state(13).waiters() == 1);
	}

	private void assertPfAndHealthAnswerPromptly() throws IOException {
		long start = System.nanoTime();
		assertThat(exchange("POST /api/v1/pf/vfs/1/invalidations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
				+ "Content-Length: 19\r\nConnection: close\r\n\r\n{\"blockMask\":\"0x1\"}")).startsWith("HTTP/1.1 202");
		assertThat(exchange("GET /actuator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
	}

	private String exchange(String request) throws IOException {
		try (var socket = RawHttp.send(this.port, request)) {
			return RawHttp.readHead(socket.getInputStream());
		}
	}

	private Socket connect() throws IOException {
		var socket = new Socket("127.0.0.1", this.port);
		socket.setSoTimeout(10_000);
		this.sockets.add(socket);
		return socket;
	}

	private static Void send(Socket socket, String text) {
		try {
			socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
			return null;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Whether the server closed the connection (end of stream or reset) before sending anything. */
	private static boolean closedByServer(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketException ex) {
			return true; // reset
		}
	}

	/** Reads the body of an answer whose head was read: by its length, or to its last chunk. */
	private static void skipBody(InputStream in, String head) throws IOException {
		int length = RawHttp.contentLength(head);
		if (length >= 0) {
			in.readNBytes(length);
			return;
		}
		var tail = new StringBuilder();
		while (!tail.toString().endsWith("\r\n0\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				return;
			}
			tail.append((char) b);
		}
	}

	/** The client ports of the connections the server has open now. */
	private Set<Integer> remotePorts() {
		Server server = ((JettyWebServer) this.context.getWebServer()).getServer();
		var ports = new java.util.HashSet<Integer>();
		for (Connector connector : server.getConnectors()) {
			for (EndPoint endPoint : connector.getConnectedEndPoints()) {
				if (endPoint.getRemoteSocketAddress() instanceof InetSocketAddress address) {
					ports.add(address.getPort());
				}
			}
		}
		return ports;
	}

}
