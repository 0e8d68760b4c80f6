package org.vsriov.web;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The PF side's own listener ({@code vsriov.http.pf-port}) on a real server whose main port takes
 * two connections at most: with the main port full, a PF agent and a health probe on new
 * connections are still answered there, and a VF agent that comes to it by mistake is told where to go.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.http.pf-port=0", "server.jetty.max-connections=2", "vsriov.poll.max-parked=1" })
class PfListenerServerTest {

	private static final String INVALIDATE = "POST /api/v1/pf/vfs/0/invalidations HTTP/1.1\r\nHost: x\r\n"
			+ "Content-Type: application/json\r\nContent-Length: 19\r\n\r\n{\"blockMask\":\"0x1\"}";

	@LocalServerPort
	private int mainPort;

	@Autowired
	private ServletWebServerApplicationContext context;

	private int pfPort;

	private final List<Socket> held = new ArrayList<>();

	@BeforeEach
	void findPfPort() {
		this.pfPort = pfPort(this.context);
		assertThat(this.pfPort).as("the PF listener's port").isPositive().isNotEqualTo(this.mainPort);
	}

	/** The port the PF listener of the context's server listens on. */
	static int pfPort(ServletWebServerApplicationContext context) {
		for (Connector connector : ((JettyWebServer) context.getWebServer()).getServer().getConnectors()) {
			if (PfListener.NAME.equals(connector.getName())) {
				return ((ServerConnector) connector).getLocalPort();
			}
		}
		throw new AssertionError("the server has no PF listener");
	}

	@AfterEach
	void closeHeld() throws IOException {
		for (Socket socket : this.held) {
			socket.close();
		}
	}

	@Test
	void pfAndHealthShouldBeAnsweredOnNewConnectionsWhileTheMainPortIsFull() throws Exception {
		// Two keep-alive connections, each answered once so that the server has surely taken them.
		for (int i = 0; i < 2; i++) {
			Socket socket = RawHttp.send(this.mainPort, "GET /api/v1/vfs/1/invalidations?timeout=0 HTTP/1.1\r\nHost: x\r\n\r\n");
			this.held.add(socket);
			assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 204");
		}
		try (Socket waiting = RawHttp.send(this.mainPort, INVALIDATE)) {
			waiting.setSoTimeout(1_000);
			assertThatExceptionOfType(SocketTimeoutException.class).as("the main port is full")
				.isThrownBy(() -> waiting.getInputStream().read());

			try (Socket pf = RawHttp.send(this.pfPort, INVALIDATE)) {
				assertThat(RawHttp.readHead(pf.getInputStream())).startsWith("HTTP/1.1 202");
			}
			try (Socket health = RawHttp.send(this.pfPort, "GET /actuator/health/liveness HTTP/1.1\r\nHost: x\r\n\r\n")) {
				assertThat(RawHttp.readHead(health.getInputStream())).startsWith("HTTP/1.1 200");
			}

			this.held.remove(0).close();
			waiting.setSoTimeout(10_000);
			assertThat(RawHttp.readHead(waiting.getInputStream())).as("taken once a connection is free")
				.startsWith("HTTP/1.1 202");
		}
	}

	@Test
	void vfOperationOnThePfListenerShouldGetAProblemNamingTheMainPort() throws Exception {
		try (Socket socket = RawHttp.send(this.pfPort,
				"GET /api/v1/vfs/0/invalidations?timeout=0 HTTP/1.1\r\nHost: x\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 404 ");
			assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\ncontent-type: application/problem+json\r\n");
			String body = new String(socket.getInputStream().readNBytes(RawHttp.contentLength(head)),
					StandardCharsets.UTF_8);
			assertThat(body).contains("\"status\":404", "\"instance\":\"/api/v1/vfs/0/invalidations\"",
					"port " + this.mainPort);
		}
	}

}
