package org.vsriov.web;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

/**
 * The OpenAPI document behind Swagger UI: what the service is, the PF and VF tags, and the
 * problem+json body of every error response that an operation declares.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String OCTET_STREAM = "application/octet-stream";

	private static final String JSON = "application/json";

	@Bean
	OpenAPI vsriovOpenApi() {
		return new OpenAPI()
			.info(new Info().title("vsriov")
				.version("v1")
				.description("A virtual SR-IOV adapter: the PF/VF configuration-block backchannel of Hyper-V "
						+ "(NdisMInvalidateConfigBlock, IOCTL_VPCI_INVALIDATE_BLOCK, NdisMReadConfigBlock, "
						+ "NdisMWriteConfigBlock) over HTTP. Every error is application/problem+json."))
			// Relative: the document is served by the server it describes, on whatever port and address.
			.servers(List.of(new Server().url("/").description("The server that serves this document")))
			.addTagsItem(new Tag().name("PF")
				.description("The management OS: owns block data, invalidates blocks, watches VFs"))
			.addTagsItem(new Tag().name("VF")
				.description("The guest OS: waits for invalidations, reads and writes blocks"))
			.addTagsItem(new Tag().name("Admin")
				.description("The test instrument: a clean start (with vsriov.admin.token set, a bearer token)"));
	}

	/**
	 * What generators need beyond the annotations: raw bodies as binary (springdoc documents a
	 * {@code byte[]} as base64 text), JSON first where a body may be JSON or raw bytes, and a schema on
	 * every response header. Generators type a body from the first media type only, and Java's label
	 * any body with the JSON type when one is listed: raw bytes first would make them send a file as
	 * "JSON" (docs/decisions/0006-generated-clients.md).
	 */
	@Bean
	OpenApiCustomizer binaryBodiesAndTypedHeaders() {
		return (openApi) -> openApi.getPaths().values().forEach((item) -> item.readOperations().forEach((operation) -> {
			if (operation.getRequestBody() != null) {
				binary(operation.getRequestBody().getContent());
				jsonFirst(operation.getRequestBody().getContent());
			}
			operation.getResponses().values().forEach((response) -> {
				binary(response.getContent());
				if (response.getHeaders() != null) {
					response.getHeaders().values().forEach((header) -> {
						if (header.getSchema() == null) {
							header.setSchema(new StringSchema());
						}
					});
				}
			});
		}));
	}

	private static void jsonFirst(Content content) {
		MediaType json = content.remove(JSON);
		if (json != null) {
			var rest = new LinkedHashMap<>(content);
			content.clear();
			content.addMediaType(JSON, json);
			content.putAll(rest);
		}
	}

	private static void binary(Content content) {
		if (content != null && content.get(OCTET_STREAM) != null) {
			content.get(OCTET_STREAM).setSchema(new BinarySchema());
		}
	}

	/**
	 * Gives every declared 4xx/5xx response the problem+json schema, so each operation lists its real
	 * errors, with an example of that status: its first problem type, the response's description as
	 * the detail, and the operation's path as the instance. The refusals of a busy or stopping server,
	 * which no handler declares, are added first.
	 */
	@Bean
	OpenApiCustomizer problemResponses() {
		return (openApi) -> {
			openApi.getComponents().addSchemas("Problem", problemSchema());
			openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
				boolean poll = LongPollHandler.PATHS.matcher(path).matches();
				addRefusals(operation.getResponses(), poll, BusyRequests.isNeverHeldBack(method.name(), path));
				String instance = path.replace("{vfId}", "0").replace("{blockId}", "5").replaceAll("\\{[^}]+}", "1");
				operation.getResponses().forEach((code, response) -> {
					if (code.startsWith("4") || code.startsWith("5")) {
						int status = Integer.parseInt(code);
						ProblemType kind = (poll && status == 503) ? ProblemType.SERVICE_STOPPING : ProblemType.firstOf(status);
						addProblem(kind, status, response, instance);
					}
				});
			}));
		};
	}

	/**
	 * A long poll that would wait is refused when the most polls are parked (429) or the service
	 * stops (503); a request {@link BusyRequests} may hold back, when the server is busy (503). Each
	 * says when to come back.
	 */
	private static void addRefusals(ApiResponses responses, boolean poll, boolean neverHeldBack) {
		if (poll) {
			responses.addApiResponse("429", retryLater("The poll would wait while the most polls this service "
					+ "keeps are parked (vsriov.poll.max-parked): poll again after `Retry-After`; the connection is closed"));
			responses.addApiResponse("503", retryLater("The poll would wait while the service is stopping: poll again "
					+ "once it is back; the connection is closed"));
		}
		else if (!neverHeldBack) {
			responses.addApiResponse("503", retryLater("The server is busy (vsriov.http.max-busy-requests): "
					+ "try again after `Retry-After`"));
		}
	}

	private static ApiResponse retryLater(String description) {
		return new ApiResponse().description(description)
			.addHeaderObject(HttpHeaders.RETRY_AFTER, new Header().description("Seconds to wait before trying again")
				.schema(new StringSchema()));
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
						case "vfId" -> range(parameter, "The VF (vsriov.total-vfs)", 0, properties.totalVfs() - 1)
							.setExample(0);
						case "blockId" -> range(parameter, "The config block (vsriov.block-count)", 0,
								properties.blockCount() - 1)
							.setExample(5);
						case "length" -> range(parameter, "How many bytes to read, from byte 0; the whole block "
								+ "without it", 1, properties.blockSize());
						default -> {
						}
					}
				}
			}));
	}

	private static Parameter range(Parameter parameter, String description, int minimum, int maximum) {
		if (parameter.getDescription() == null) {
			parameter.setDescription(description);
		}
		parameter.getSchema().setMinimum(BigDecimal.valueOf(minimum));
		parameter.getSchema().setMaximum(BigDecimal.valueOf(maximum));
		return parameter;
	}

	private static void addProblem(ProblemType kind, int status, ApiResponse response, String instance) {
		var schema = new Schema<>().$ref("#/components/schemas/Problem");
		var example = new LinkedHashMap<String, Object>();
		example.put("type", kind.type().toString());
		example.put("title", kind.title());
		example.put("status", status);
		example.put("detail", response.getDescription());
		example.put("instance", instance);
		response.setContent(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(schema).example(example)));
	}

	/**
	 * RFC 9457 problem details with the extension members this API sets: the offending values, each
	 * always of one type, so that a generated client reads them as typed fields.
	 */
	private static Schema<?> problemSchema() {
		var fieldError = new ObjectSchema().description("One field of the request body that was refused")
			.addProperty("field", new StringSchema().description("The field, as a path such as blocks[1]"))
			.addProperty("message", new StringSchema().description("What is wrong with it"));
		return new ObjectSchema()
			.description("RFC 9457 problem details. type, title and status are always there; the other members "
					+ "only when they apply")
			.addProperty("type", new StringSchema().format("uri").description("Identifies the kind; ends in its slug")
				.example(ProblemType.BASE + "vf-not-found"))
			.addProperty("title", new StringSchema().description("Fixed per kind").example("VF not allocated"))
			.addProperty("status", new IntegerSchema().description("The HTTP status").example(404))
			.addProperty("detail", new StringSchema().description("For people").example("VF 9 is not allocated"))
			.addProperty("instance", new StringSchema().format("uri-reference").description("The request's path")
				.example("/api/v1/pf/vfs/9"))
			.addProperty("vfId", new IntegerSchema().description("The VF concerned"))
			.addProperty("blockId", new IntegerSchema().description("The block concerned"))
			.addProperty("blockMask", new StringSchema().description("The refused mask, as it was sent"))
			.addProperty("blocks", new ArraySchema().items(new IntegerSchema().nullable(true))
				.description("The refused block ids"))
			.addProperty("version", new IntegerSchema().format("int64").description("The block's current version"))
			.addProperty("length", new IntegerSchema().description("The refused length, in bytes"))
			.addProperty("cursor", new StringSchema().description("The refused cursor"))
			.addProperty("timeout", new StringSchema().description("The refused timeout"))
			.addProperty("hex", new StringSchema().description("The refused hex block data"))
			.addProperty("base64", new StringSchema().description("The refused base64 block data"))
			.addProperty("header", new StringSchema().description("The name of the refused request header"))
			.addProperty("parameter", new StringSchema().description("The name of the refused path or query parameter"))
			.addProperty("value", new StringSchema().description("The refused header or parameter value"))
			.addProperty("errors", new ArraySchema().items(fieldError).description("The refused body fields"))
			.required(List.of("type", "title", "status"));
	}

}
