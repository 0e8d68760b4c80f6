package org.vsriov.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** What operators and Swagger UI users reach outside /api/v1. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class OperationsTest {

	@Autowired
	private RestTestClient client;

	@LocalServerPort
	private int port;

	@Test
	void probesShouldBeUp() {
		for (String probe : new String[] { "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness" }) {
			this.client.get().uri(probe).exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
		}
	}

	@Test
	void infoShouldNameTheBuild() {
		this.client.get().uri("/actuator/info").exchange().expectStatus().isOk().expectBody()
			.jsonPath("$.build.artifact").isEqualTo("vsriov");
	}

	@Test
	void prometheusShouldCountInvalidationsDeliveriesAndBlockTransfersAndGaugeParkedPolls() {
		this.client.post().uri("/api/v1/pf/vfs/0/invalidations").contentType(MediaType.APPLICATION_JSON)
			.body("{\"blockMask\": \"0x1\"}").exchange().expectStatus().isAccepted();
		this.client.get().uri("/api/v1/vfs/0/invalidations?timeout=0").exchange().expectStatus().isOk();
		this.client.get().uri("/api/v1/vfs/0/config-blocks/0").exchange().expectStatus().isOk();
		String metrics = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.returnResult(String.class).getResponseBody();
		assertThat(metrics).containsPattern("vsriov_invalidations_total(\\{[^}]*\\})? [1-9]")
			.containsPattern("vsriov_deliveries_total(\\{[^}]*\\})? [1-9]")
			.containsPattern("vsriov_block_reads_total\\{[^}]*role=\"VF\"[^}]*\\} [1-9]")
			.contains("vsriov_block_writes_total")
			.contains("vsriov_polls_parked");
	}

	@Test
	void httpServerRequestsShouldTimeOrdinaryRequestsButLeaveLongPollsOut() {
		this.client.get().uri("/api/v1/vfs/1/invalidations?timeout=0").exchange().expectStatus().isNoContent();
		this.client.get().uri("/api/v1/pf/vfs/1/block-writes?timeout=0").exchange().expectStatus().isNoContent();
		// Spring MVC still answers these on the polls' paths.
		this.client.head().uri("/api/v1/vfs/1/invalidations").exchange().expectStatus().isEqualTo(405);
		this.client.options().uri("/api/v1/pf/vfs/1/block-writes").exchange().expectStatus().isOk();
		this.client.get().uri("/api/v1/pf/vfs/1").exchange().expectStatus().isOk();
		String metrics = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.returnResult(String.class).getResponseBody();
		assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/api/v1/pf/vfs/\\{vfId}\"")
			.doesNotContain("uri=\"/api/v1/vfs/{vfId}/invalidations\"", "uri=\"/api/v1/pf/vfs/{vfId}/block-writes\"");
	}

	@Test
	void prometheusShouldCountVfLifecycleEventsAndGaugeAllocatedVfs() {
		this.client.post().uri("/api/v1/pf/vfs").contentType(MediaType.APPLICATION_JSON).body("{\"vfId\": 20}")
			.exchange().expectStatus().isCreated();
		this.client.post().uri("/api/v1/pf/vfs/20/reset").exchange().expectStatus().isNoContent();
		String metrics = this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
			.returnResult(String.class).getResponseBody();
		assertThat(metrics).containsPattern("vsriov_vf_lifecycle_total\\{[^}]*event=\"allocate\"[^}]*\\} [1-9]")
			.containsPattern("vsriov_vf_lifecycle_total\\{[^}]*event=\"reset\"[^}]*\\} [1-9]")
			.containsPattern("vsriov_vfs_allocated(\\{[^}]*\\})? [5-9]");
		this.client.delete().uri("/api/v1/pf/vfs/20").exchange().expectStatus().isNoContent();
		assertThat(this.client.get().uri("/actuator/prometheus").exchange().returnResult(String.class).getResponseBody())
			.containsPattern("vsriov_vf_lifecycle_total\\{[^}]*event=\"free\"[^}]*\\} [1-9]");
	}

	@Test
	void openApiShouldDescribeEveryOperationWithTheCallItEmulates() {
		var docs = this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody();
		docs.jsonPath("$.paths['/api/v1/pf'].get.description").value(String.class,
				(d) -> assertThat(d).contains("TotalVFs"));
		docs.jsonPath("$.paths['/api/v1/pf/invalidations'].post.description").value(String.class,
				(d) -> assertThat(d).contains("NdisMInvalidateConfigBlock"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/invalidations'].post.description").value(String.class,
				(d) -> assertThat(d).contains("NdisMInvalidateConfigBlock"));
		docs.jsonPath("$.paths['/api/v1/vfs/{vfId}/invalidations'].get.description").value(String.class,
				(d) -> assertThat(d).contains("IOCTL_VPCI_INVALIDATE_BLOCK", "OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK"));
		docs.jsonPath("$.paths['/api/v1/vfs/{vfId}/config-blocks/{blockId}'].get.description").value(String.class,
				(d) -> assertThat(d).contains("NdisMReadConfigBlock"));
		docs.jsonPath("$.paths['/api/v1/vfs/{vfId}/config-blocks/{blockId}'].put.description").value(String.class,
				(d) -> assertThat(d).contains("NdisMWriteConfigBlock"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/config-blocks/{blockId}'].get.description").exists();
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}'].get.description").exists();
		docs.jsonPath("$.paths['/api/v1/pf/vfs'].post.description").value(String.class,
				(d) -> assertThat(d).contains("Allocates"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs'].post.summary").value(String.class,
				(d) -> assertThat(d).contains("OID_NIC_SWITCH_ALLOCATE_VF"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}'].delete.summary").value(String.class,
				(d) -> assertThat(d).contains("OID_NIC_SWITCH_FREE_VF"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/reset'].post.summary").value(String.class,
				(d) -> assertThat(d).contains("OID_SRIOV_RESET_VF"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/block-writes'].get.summary").value(String.class,
				(d) -> assertThat(d).contains("OID_SRIOV_WRITE_VF_CONFIG_BLOCK"));
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/block-writes'].get.responses['204'].headers['Vsriov-Cursor']")
			.exists();
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/block-writes'].get.responses['410'].content['application/problem+json']")
			.exists();
		docs.jsonPath("$.paths['/api/v1/vfs/{vfId}/invalidations'].get.responses['204'].headers['Vsriov-Cursor']").exists();
		docs.jsonPath("$.paths['/api/v1/vfs/{vfId}/invalidations'].get.responses['429'].headers['Retry-After'].schema")
			.exists();
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/block-writes'].get.responses['503'].content['application/problem+json']")
			.exists();
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/invalidations'].post.requestBody.content['application/json'].schema")
			.exists();
	}

	@Test
	void openApiErrorExamplesShouldMatchTheirStatusAndParametersShouldShowTheirRanges() {
		var docs = this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody();
		String conflict = "$.paths['/api/v1/pf/vfs'].post.responses['409'].content['application/problem+json'].example";
		docs.jsonPath(conflict + ".status").isEqualTo(409);
		docs.jsonPath(conflict + ".type").isEqualTo(ProblemType.BASE + "vf-allocated");
		docs.jsonPath(conflict + ".instance").isEqualTo("/api/v1/pf/vfs");
		String gone = "$.paths['/api/v1/pf/vfs/{vfId}/block-writes'].get.responses['410'].content['application/problem+json'].example";
		docs.jsonPath(gone + ".status").isEqualTo(410);
		docs.jsonPath("$.paths['/api/v1/pf/vfs/{vfId}/block-writes'].get.operationId").isEqualTo("pollBlockWrites");
		docs.jsonPath("$.paths['/api/v1/vfs/{vfId}/invalidations'].get.operationId").isEqualTo("pollInvalidations");
		String read = "$.paths['/api/v1/vfs/{vfId}/config-blocks/{blockId}'].get.parameters";
		docs.jsonPath(read + "[?(@.name == 'vfId')].schema.maximum").isEqualTo(List.of(63));
		docs.jsonPath(read + "[?(@.name == 'length')].schema.minimum").isEqualTo(List.of(1));
		docs.jsonPath(read + "[?(@.name == 'length')].schema.maximum").isEqualTo(List.of(128));
	}

	@Test
	void openApiDocumentShouldGiveGeneratorsWhatTheyNeed() {
		var docs = this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody();
		docs.jsonPath("$.openapi").isEqualTo("3.0.1");
		docs.jsonPath("$.servers[0].url").isEqualTo("/");
		for (String poll : List.of("/api/v1/vfs/{vfId}/invalidations", "/api/v1/pf/vfs/{vfId}/block-writes")) {
			for (String status : List.of("200", "204")) {
				docs.jsonPath("$.paths['" + poll + "'].get.responses['" + status + "'].headers['Vsriov-Cursor'].schema.type")
					.isEqualTo("string");
			}
		}
		docs.jsonPath("$.paths['/api/v1/pf/vfs'].post.responses['201'].headers['Location'].schema.type").isEqualTo("string");
		for (String block : List.of("/api/v1/vfs/{vfId}/config-blocks/{blockId}",
				"/api/v1/pf/vfs/{vfId}/config-blocks/{blockId}")) {
			String path = "$.paths['" + block + "']";
			docs.jsonPath(path + ".get.responses['200'].headers['ETag'].schema.type").isEqualTo("string");
			docs.jsonPath(path + ".get.responses['304']").exists();
			docs.jsonPath(path + ".get.responses['200'].content['application/octet-stream'].schema.format")
				.isEqualTo("binary");
			docs.jsonPath(path + ".put.requestBody.content['application/octet-stream'].schema.format").isEqualTo("binary");
			docs.jsonPath(path + ".put.responses['200'].headers['ETag'].schema.type").isEqualTo("string");
			docs.jsonPath(path + ".put.responses['412']").exists();
			docs.jsonPath(path + ".put.responses['415']").exists();
			docs.jsonPath(path + ".get.parameters[?(@.in == 'header')]").isEmpty();
			docs.jsonPath(path + ".get.parameters[?(@.name == 'vfId')].example").isEqualTo(List.of(0));
			docs.jsonPath(path + ".get.parameters[?(@.name == 'blockId')].example").isEqualTo(List.of(5));
		}
		String request = "$.components.schemas.InvalidationRequest.properties";
		docs.jsonPath(request + ".blockMask.type").isEqualTo("string");
		docs.jsonPath(request + ".blockMask.pattern").exists();
		docs.jsonPath(request + ".blocks.items.type").isEqualTo("integer");
		docs.jsonPath(request + ".blocks.items.maximum").isEqualTo(63);
		docs.jsonPath("$.components.schemas.BlockView.properties.updatedAt.nullable").isEqualTo(true);
		String problem = "$.components.schemas.Problem.properties";
		docs.jsonPath(problem + ".vfId.type").isEqualTo("integer");
		docs.jsonPath(problem + ".errors.items.properties.field.type").isEqualTo("string");
		docs.jsonPath("$.components.schemas.Problem.required").value(List.class,
				(required) -> assertThat(required).containsExactlyInAnyOrder("type", "title", "status"));
	}

	@Test
	void swaggerUiShouldBeServed() throws Exception {
		// The JDK client, told not to follow: the test client follows redirects with some HTTP libraries.
		var redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
				URI.create("http://127.0.0.1:" + this.port + "/swagger-ui.html")).build(),
				HttpResponse.BodyHandlers.discarding());
		assertThat(redirect.statusCode()).isEqualTo(302);
		assertThat(redirect.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).endsWith("/swagger-ui/index.html"));
		this.client.get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk().expectBody(String.class)
			.value((html) -> assertThat(html).contains("swagger-ui"));
	}

}
