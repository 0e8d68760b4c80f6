package org.vsriov.web;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import org.eclipse.jetty.server.Handler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator on a port of its own ({@code management.server.port}) is a second Jetty, hardened as
 * the main one: its own errors are problems, and a slow request is cut off at its deadline.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "vsriov.http.request-head-timeout=300ms" })
class ManagementPortTest {

	@Value("${local.management.port}")
	private int managementPort;

	@Autowired
	private ServletWebServerApplicationContext context;

	@Test
	void mainServerShouldBeHardenedOnceNotAgainForTheManagementServer() {
		int busy = 0;
		Handler handler = ((JettyWebServer) this.context.getWebServer()).getServer().getHandler();
		while (handler instanceof Handler.Wrapper wrapper) {
			busy += (handler instanceof BusyRequests) ? 1 : 0;
			handler = wrapper.getHandler();
		}
		assertThat(busy).as("the limit on any busy request and on adapter reads").isEqualTo(2);
	}

	@Test
	void healthShouldAnswerOnTheManagementPort() throws Exception {
		try (var socket = RawHttp.send(this.managementPort, "GET /actuator/health/liveness HTTP/1.1\r\nHost: x\r\n\r\n")) {
			assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
		}
	}

	@Test
	void requestJettyCannotParseShouldGetAProblemOnTheManagementPortToo() throws Exception {
		try (var socket = RawHttp.send(this.managementPort, "GARBAGE\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 400 ");
			assertThat(head.toLowerCase(Locale.ROOT)).contains("\r\ncontent-type: application/problem+json\r\n");
		}
	}

	@Test
	void requestThatNeverArrivesShouldBeCutOffOnTheManagementPortToo() throws Exception {
		try (var socket = new Socket("127.0.0.1", this.managementPort)) {
			socket.setSoTimeout(5_000);
			socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
			long start = System.nanoTime();
			assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		}
	}

}
