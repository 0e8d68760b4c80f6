package org.vsriov.web;

import java.net.Socket;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The PF listener tells VF operations from the PF's under a servlet context path too. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "vsriov.http.pf-port=0", "server.servlet.context-path=/x" })
class PfListenerContextPathTest {

	@Autowired
	private ServletWebServerApplicationContext context;

	@Test
	void vfOperationUnderTheContextPathShouldBeRefusedAndThePfsServed() throws Exception {
		int pfPort = PfListenerServerTest.pfPort(this.context);
		try (Socket socket = RawHttp.send(pfPort, "GET /x/api/v1/vfs/0/invalidations?timeout=0 HTTP/1.1\r\nHost: x\r\n\r\n")) {
			assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 404 ");
		}
		try (Socket socket = RawHttp.send(pfPort, "GET /x/api/v1/vfsx HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
			String head = RawHttp.readHead(socket.getInputStream());
			String body = new String(socket.getInputStream().readAllBytes());
			assertThat(head).startsWith("HTTP/1.1 404 ");
			assertThat(body).as("an ordinary 404, not the VF one").doesNotContain("PF listener");
		}
		try (Socket socket = RawHttp.send(pfPort, "GET /x/api/v1/pf/vfs/0 HTTP/1.1\r\nHost: x\r\n\r\n")) {
			assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
		}
	}

}
