package org.vsriov.web;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * API.md "Content negotiation": Accept chooses a success body's representation and nothing else; an
 * error is problem+json whatever it says; what cannot be parsed is a 400 that changes nothing.
 */
@WebMvcTest
@Import(TestAdapterConfiguration.class)
class ContentNegotiationTest {

	private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private VirtualAdapter adapter;

	@Test
	void operationsWithoutABodyShouldSucceedWhateverAcceptSays() {
		this.adapter.allocate(20);
		this.adapter.allocate(21);
		assertThat(this.mvc.post().uri("/api/v1/pf/vfs/20/reset").header(HttpHeaders.ACCEPT, PROBLEM)).hasStatus(204);
		assertThat(this.mvc.delete().uri("/api/v1/pf/vfs/21").header(HttpHeaders.ACCEPT, PROBLEM)).hasStatus(204);
		assertThat(this.adapter.states()).noneMatch((vf) -> vf.vfId() == 21);
	}

	@ParameterizedTest(name = "Accept: {0}")
	@MethodSource("accepts")
	void errorShouldBeItsProblemWhateverAcceptSays(String accept) {
		assertThat(this.mvc.get().uri("/api/v1/pf/vfs/9").header(HttpHeaders.ACCEPT, accept)).hasStatus(404)
			.hasContentType(PROBLEM)
			.bodyJson().extractingPath("$.type").isEqualTo(ProblemType.BASE + "vf-not-found");
		assertThat(this.mvc.put().uri("/api/v1/pf/vfs/0/config-blocks/5").header(HttpHeaders.ACCEPT, accept)
			.header(HttpHeaders.IF_MATCH, "\"999\"").contentType(MediaType.APPLICATION_OCTET_STREAM)
			.content(new byte[] { 1 })).hasStatus(412).hasContentType(PROBLEM);
	}

	@ParameterizedTest(name = "Accept: {0}")
	@MethodSource("accepts")
	void successShouldBeJsonWhateverElseAcceptSays(String accept) {
		assertThat(this.mvc.get().uri("/api/v1/pf").header(HttpHeaders.ACCEPT, accept)).hasStatusOk()
			.hasContentType(MediaType.APPLICATION_JSON);
		assertThat(this.mvc.post().uri("/api/v1/pf/vfs/1/invalidations").header(HttpHeaders.ACCEPT, accept)
			.contentType(MediaType.APPLICATION_JSON).content("{\"blockMask\": \"0x1\"}")).hasStatus(202)
			.hasContentType(MediaType.APPLICATION_JSON);
	}

	static Stream<String> accepts() {
		return Stream.of(PROBLEM, "text/html", "text/plain", "application/xml", "application/json, " + PROBLEM, "*/*");
	}

	@ParameterizedTest(name = "Accept: {0} -> {1}")
	@MethodSource("blockAccepts")
	void blockShouldBeRawOnlyWhenTheClientPrefersRawBytes(String accept, String expected) {
		var read = this.mvc.get().uri("/api/v1/vfs/0/config-blocks/3?length=2");
		if (accept != null) {
			read.header(HttpHeaders.ACCEPT, accept);
		}
		assertThat(read).hasStatusOk().hasContentType(expected);
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
		var write = this.mvc.put().uri("/api/v1/pf/vfs/2/config-blocks/7").header(header, value);
		if (!header.equals(HttpHeaders.CONTENT_TYPE)) {
			write.contentType(MediaType.APPLICATION_OCTET_STREAM);
		}
		assertThat(write.content(new byte[] { 7 })).hasStatus(400).hasContentType(PROBLEM).bodyJson()
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
		assertThat(this.mvc.put().uri("/api/v1/pf/vfs/2/config-blocks/8")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED).content("a=%zz")).hasStatus(415).hasContentType(PROBLEM);
		assertThat(this.mvc.post().uri("/api/v1/pf/vfs").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.content("vfId=%zz")).hasStatus(415).hasContentType(PROBLEM);
		assertThat(this.adapter.read(2, 8, Role.PF).version()).isEqualTo(version);
	}

}
