package org.vsriov.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document behind Swagger UI: what the service is, the PF and VF tags, and the
 * problem+json body of every error response that an operation declares.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String PROBLEM_JSON = "application/problem+json";

	@Bean
	OpenAPI vsriovOpenApi() {
		return new OpenAPI()
			.info(new Info().title("vsriov")
				.version("v1")
				.description("A virtual SR-IOV adapter: the PF/VF configuration-block backchannel of Hyper-V "
						+ "(NdisMInvalidateConfigBlock, IOCTL_VPCI_INVALIDATE_BLOCK, NdisMReadConfigBlock, "
						+ "NdisMWriteConfigBlock) over HTTP. Every error is application/problem+json."))
			.addTagsItem(new Tag().name("PF")
				.description("The management OS: owns block data, invalidates blocks, watches VFs"))
			.addTagsItem(new Tag().name("VF")
				.description("The guest OS: waits for invalidations, reads and writes blocks"));
	}

	/** Gives every declared 4xx/5xx response the problem+json schema, so each operation lists its real errors. */
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> {
			openApi.getComponents().addSchemas("Problem", problemSchema());
			openApi.getPaths().values().forEach((path) -> path.readOperations().forEach((operation) -> {
				operation.getResponses().forEach((code, response) -> {
					if (code.startsWith("4") || code.startsWith("5")) {
						addProblem(response);
					}
				});
			}));
		};
	}

	private static void addProblem(ApiResponse response) {
		var schema = new Schema<>().$ref("#/components/schemas/Problem");
		response.setContent(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(schema)));
	}

	private static Schema<?> problemSchema() {
		return new Schema<>().type("object")
			.description("RFC 9457 problem details; offending values (vfId, blockId, ...) as extra members")
			.addProperty("type", new Schema<>().type("string").format("uri")
				.example(ProblemType.BASE + "vf-not-found"))
			.addProperty("title", new Schema<>().type("string").example("VF not allocated"))
			.addProperty("status", new Schema<>().type("integer").example(404))
			.addProperty("detail", new Schema<>().type("string").example("VF 9 is not allocated"))
			.addProperty("instance", new Schema<>().type("string").format("uri"));
	}

}
