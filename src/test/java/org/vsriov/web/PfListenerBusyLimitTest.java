package org.vsriov.web;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.Handler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests on the PF listener are not held back by the busy limit, which VF traffic on the main port
 * fills: here one VF block write whose body never comes holds the one place there is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.http.pf-port=0", "vsriov.http.max-busy-requests=1", "vsriov.http.io-timeout=3s" })
class PfListenerBusyLimitTest {

	private static final String PF_READ = "GET /api/v1/pf/vfs/0 HTTP/1.1\r\nHost: x\r\n\r\n";

	@LocalServerPort
	private int mainPort;

	@Autowired
	private ServletWebServerApplicationContext context;

	private final List<Socket> sockets = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	@Test
	void pfReadOnThePfListenerShouldBeAnsweredWhileVfRequestsHoldTheBusyLimit() throws Exception {
		BusyRequests busy = anyBusyRequest();
		// Half a body: its handler waits for the rest, holding the one busy place for the I/O timeout.
		this.sockets.add(RawHttp.send(this.mainPort, "PUT /api/v1/vfs/0/config-blocks/0 HTTP/1.1\r\nHost: x\r\n"
				+ "Content-Type: application/octet-stream\r\nContent-Length: 8\r\n\r\nabcd"));
		await().until(() -> busy.getTotalRequestCount() == 1);
		this.sockets.add(RawHttp.send(this.mainPort, PF_READ));
		await("the main port's PF read waits for the place").until(() -> busy.getSuspendedRequestCount() == 1);

		try (Socket pf = RawHttp.send(PfListenerServerTest.pfPort(this.context), PF_READ)) {
			// Well before the 3 s after which a request held back would get its 503.
			pf.setSoTimeout(2_000);
			assertThat(RawHttp.readHead(pf.getInputStream())).startsWith("HTTP/1.1 200");
		}
		assertThat(busy.getSuspendedRequestCount()).isEqualTo(1);
	}

	/** The limit on any busy request: the outer of the two. */
	private BusyRequests anyBusyRequest() {
		Handler handler = ((JettyWebServer) this.context.getWebServer()).getServer().getHandler();
		while (handler instanceof Handler.Wrapper wrapper) {
			if (handler instanceof BusyRequests busy) {
				return busy;
			}
			handler = wrapper.getHandler();
		}
		throw new AssertionError("no busy limit");
	}

}
