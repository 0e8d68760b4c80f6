package org.vsriov.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a request log (which writes each request's line as it ends), the hot routes run on Jetty's
 * pool instead of the selector thread ({@link InlineHotRoutes}), says so at start, and answer as
 * before.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.jetty.accesslog.enabled=true", "vsriov.initial-vfs=2" })
@AutoConfigureRestTestClient
@ExtendWith(OutputCaptureExtension.class)
class HotRoutesOnThePoolTest {

	@Autowired
	private RestTestClient client;

	@Test
	void hotRoutesShouldRunOnThePoolAndSaySo(CapturedOutput output) {
		assertThat(output).contains("The long polls and the PF's invalidations run on Jetty's pool, not on the selector "
				+ "thread: a request log is on (server.jetty.accesslog)");
		assertThat(RestTestClientResponse.from(this.client.post().uri("/api/v1/pf/vfs/1/invalidations")
			.contentType(MediaType.APPLICATION_JSON).body("{\"blocks\": [2]}").exchange())).hasStatus(202);
		var poll = RestTestClientResponse.from(this.client.get().uri("/api/v1/vfs/1/invalidations?timeout=0").exchange());
		assertThat(poll).hasStatus(200);
		assertThat(poll).bodyJson().extractingPath("$.blocks").asArray().containsExactly(2);
	}

}
