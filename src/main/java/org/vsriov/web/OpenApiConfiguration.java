package org.vsriov.web;

import java.math.BigDecimal;
import java.util.LinkedHashMap;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.vsriov.adapter.VsriovProperties;

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

	/**
	 * Gives every declared 4xx/5xx response the problem+json schema, so each operation lists its real
	 * errors, with an example of that status: its first problem type, the response's description as
	 * the detail, and the operation's path as the instance.
	 */
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> {
			openApi.getComponents().addSchemas("Problem", problemSchema());
			openApi.getPaths().forEach((path, item) -> item.readOperations().forEach((operation) -> {
				String instance = path.replace("{vfId}", "0").replace("{blockId}", "5");
				operation.getResponses().forEach((code, response) -> {
					if (code.startsWith("4") || code.startsWith("5")) {
						addProblem(Integer.parseInt(code), response, instance);
					}
				});
			}));
		};
	}

	/** Describes the id and length parameters with the ranges configured for this server. */
	@Bean
	OpenApiCustomizer parameterRanges(VsriovProperties properties) {
		return (openApi) -> openApi.getPaths().values().forEach((item) -> item.readOperations()
			.forEach((operation) -> {
				if (operation.getParameters() == null) {
					return;
				}
				for (Parameter parameter : operation.getParameters()) {
					switch (parameter.getName()) {
						case "vfId" -> range(parameter, "The VF (vsriov.total-vfs)", 0, properties.totalVfs() - 1);
						case "blockId" -> range(parameter, "The config block (vsriov.block-count)", 0,
								properties.blockCount() - 1);
						case "length" -> range(parameter, "How many bytes to read, from byte 0; the whole block "
								+ "without it", 1, properties.blockSize());
						default -> {
						}
					}
				}
			}));
	}

	private static void range(Parameter parameter, String description, int minimum, int maximum) {
		if (parameter.getDescription() == null) {
			parameter.setDescription(description);
		}
		parameter.getSchema().setMinimum(BigDecimal.valueOf(minimum));
		parameter.getSchema().setMaximum(BigDecimal.valueOf(maximum));
	}

	private static void addProblem(int status, ApiResponse response, String instance) {
		var schema = new Schema<>().$ref("#/components/schemas/Problem");
		ProblemType kind = ProblemType.firstOf(status);
		var example = new LinkedHashMap<String, Object>();
		example.put("type", kind.type().toString());
		example.put("title", kind.title());
		example.put("status", status);
		example.put("detail", response.getDescription());
		example.put("instance", instance);
		response.setContent(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(schema).example(example)));
	}

	private static Schema<?> problemSchema() {
		return new Schema<>().type("object")
			.description("RFC 9457 problem details; offending values (vfId, blockId, ...) as extra members")
			.addProperty("type", new Schema<>().type("string").format("uri")
				.example(ProblemType.BASE + "vf-not-found"))
			.addProperty("title", new Schema<>().type("string").example("VF not allocated"))
			.addProperty("status", new Schema<>().type("integer").example(404))
			.addProperty("detail", new Schema<>().type("string").example("VF 9 is not allocated"))
			.addProperty("instance", new Schema<>().type("string").format("uri-reference")
				.example("/api/v1/pf/vfs/9"));
	}

}
