package org.vsriov.pf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.MediaType;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Example bodies for both invalidation endpoints in Swagger UI, one per documented form. Without them
 * "Try it out" would offer both blockMask and blocks at once, which is refused. (A JSON integer
 * blockMask is taken too, but the document types blockMask as a string, its safe form.)
 */
@Component
class InvalidationExamples implements OpenApiCustomizer {

	private static final String SCHEMA = "#/components/schemas/" + InvalidationRequest.class.getSimpleName();

	private static final Map<String, Example> EXAMPLES = new LinkedHashMap<>();

	static {
		add("hex", "blocks 0 and 5, as hex", Map.of("blockMask", "0x21"));
		add("decimal", "the same, as a decimal string", Map.of("blockMask", "33"));
		add("blocks", "the same, as block ids", Map.of("blocks", List.of(0, 5)));
		add("bit63", "block 63 only", Map.of("blockMask", "0x8000000000000000"));
	}

	@Override
	public void customise(OpenAPI openApi) {
		openApi.getPaths().values().forEach((path) -> path.readOperations().forEach((operation) -> {
			MediaType json = (operation.getRequestBody() != null)
					? operation.getRequestBody().getContent().get("application/json") : null;
			if (json != null && json.getSchema() != null && SCHEMA.equals(json.getSchema().get$ref())) {
				json.setExamples(EXAMPLES);
			}
		}));
	}

	private static void add(String name, String summary, Object value) {
		EXAMPLES.put(name, new Example().summary(summary).value(value));
	}

}
