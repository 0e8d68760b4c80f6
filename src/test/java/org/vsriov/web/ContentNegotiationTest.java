package org.vsriov.web;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * API.md "Content negotiation": Accept chooses a success body's representation and nothing else; an
 * error is problem+json whatever it says; what cannot be parsed is a 400 that changes nothing. The
 * server is the one other classes share; this class leaves VF 20 allocated and VF 1 with pending
 * bits, so it closes the server when done.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@DirtiesContext
class ContentNegotiationTest {

	private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	@Autowired
	private RestTestClient client;

	@Autowired
	private VirtualAdapter adapter;

	@Test
	void operationsWithoutABodyShouldSucceedWhateverAcceptSays() {
		this.adapter.allocate(20);
		this.adapter.allocate(21);
		assertThat(exchange(this.client.post().uri("/api/v1/pf/vfs/20/reset").header(HttpHeaders.ACCEPT, PROBLEM)))
			.hasStatus(204);
		assertThat(exchange(this.client.delete().uri("/api/v1/pf/vfs/21").header(HttpHeaders.ACCEPT, PROBLEM)))
			.hasStatus(204);
		assertThat(this.adapter.states()).noneMatch((vf) -> vf.vfId() == 21);
	}

	@ParameterizedTest(name = "Accept: {0}")
	@MethodSource("accepts")
	void errorShouldBeItsProblemWhateverAcceptSays(String accept) {
		assertThat(exchange(this.client.get().uri("/api/v1/pf/vfs/9").header(HttpHeaders.ACCEPT, accept)))
			.hasStatus(404).hasContentType(PROBLEM)
			.bodyJson().extractingPath("$.type").isEqualTo(ProblemType.BASE + "vf-not-found");
		assertThat(exchange(this.client.put().uri("/api/v1/pf/vfs/0/config-blocks/5").header(HttpHeaders.ACCEPT, accept)
			.header(HttpHeaders.IF_MATCH, "\"999\"").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(new byte[] { 1 }))).hasStatus(412).hasContentType(PROBLEM);
	}

	@ParameterizedTest(name = "Accept: {0}")
	@MethodSource("accepts")
	void successShouldBeJsonWhateverElseAcceptSays(String accept) {
		assertThat(exchange(this.client.get().uri("/api/v1/pf").header(HttpHeaders.ACCEPT, accept))).hasStatusOk()
			.hasContentType(MediaType.APPLICATION_JSON);
		assertThat(exchange(this.client.post().uri("/api/v1/pf/vfs/1/invalidations").header(HttpHeaders.ACCEPT, accept)
			.contentType(MediaType.APPLICATION_JSON).body("{\"blockMask\": \"0x1\"}"))).hasStatus(202)
			.hasContentType(MediaType.APPLICATION_JSON);
	}

	static Stream<String> accepts() {
		return Stream.of(PROBLEM, "text/html", "text/plain", "application/xml", "application/json, " + PROBLEM, "*/*");
	}

	@ParameterizedTest(name = "Accept: {0} -> {1}")
	@MethodSource("blockAccepts")
	void blockShouldBeRawOnlyWhenTheClientPrefersRawBytes(String accept, String expected) {
		var read = this.client.get().uri("/api/v1/vfs/0/config-blocks/3?length=2");
		if (accept != null) {
			read.header(HttpHeaders.ACCEPT, accept);
		}
		assertThat(exchange(read)).hasStatusOk().hasContentType(expected);
	}

	static Stream<Arguments> blockAccepts() {
		String json = MediaType.APPLICATION_JSON_VALUE;
		String raw = MediaType.APPLICATION_OCTET_STREAM_VALUE;
		return Stream.of(arguments(null, json), arguments("*/*", json), arguments(raw, raw),
				// openapi-generator's Java client: every type the operation lists, equally
				arguments(json + ", " + raw + ", " + PROBLEM, json),
				arguments(raw + ", */*", json), arguments(raw + ", application/*", json),
				arguments(raw + ";q=0.9, " + json + ";q=0.5", raw), arguments(json + ";q=0.5, " + raw, raw),
				arguments(raw + ", */*;q=0.1", raw), arguments(raw + ";q=0.5, " + json, json),
				arguments("text/html, " + raw, raw));
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("unparsable")
	void headerThatCannotBeParsedShouldBeA400AndChangeNothing(String header, String value) {
		long version = this.adapter.read(2, 7, Role.PF).version();
		var write = sendingAsWritten(header, value).put().uri("/api/v1/pf/vfs/2/config-blocks/7");
		if (!header.equals(HttpHeaders.CONTENT_TYPE)) {
			write.contentType(MediaType.APPLICATION_OCTET_STREAM);
		}
		assertThat(exchange(write.body(new byte[] { 7 }))).hasStatus(400).hasContentType(PROBLEM).bodyJson()
			.extractingPath("$.detail").asString().startsWith(header + " cannot be parsed");
		assertThat(this.adapter.read(2, 7, Role.PF).version()).isEqualTo(version);
	}

	static Stream<Arguments> unparsable() {
		return Stream.of(arguments(HttpHeaders.ACCEPT, "json"), arguments(HttpHeaders.ACCEPT, "application/json;q=x"),
				arguments(HttpHeaders.CONTENT_TYPE, "octet-stream"), arguments(HttpHeaders.CONTENT_TYPE, "text/"));
	}

	@Test
	void formBodyShouldBeRefusedAsAMediaTypeNoEndpointTakes() {
		long version = this.adapter.read(2, 8, Role.PF).version();
		assertThat(exchange(this.client.put().uri("/api/v1/pf/vfs/2/config-blocks/8")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).body("a=%zz"))).hasStatus(415).hasContentType(PROBLEM);
		assertThat(exchange(this.client.post().uri("/api/v1/pf/vfs").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body("vfId=%zz"))).hasStatus(415).hasContentType(PROBLEM);
		assertThat(this.adapter.read(2, 8, Role.PF).version()).isEqualTo(version);
	}

	/**
	 * The client, with one header sent as written: RestClient parses a Content-Type to pick the body's
	 * converter, and would throw before sending, so the header is set after the body is written.
	 */
	private RestTestClient sendingAsWritten(String name, String value) {
		return this.client.mutate().requestInterceptor((request, body, execution) -> {
			request.getHeaders().set(name, value);
			return execution.execute(request, body);
		}).build();
	}

	private static RestTestClientResponse exchange(RestTestClient.RequestHeadersSpec<?> request) {
		return RestTestClientResponse.from(request.exchange());
	}

}
