package org.vsriov.admin;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.FaultRule;
import org.vsriov.adapter.Faults;
import org.vsriov.adapter.NdisStatus;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VirtualAdapter;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Faults put in on purpose (API.md, "The test instrument"): rules by step, narrowed by VF and block,
 * counted or drawn from a seeded generator.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/faults", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Admin")
@SecurityRequirement(name = AdminController.TOKEN)
class FaultController {

	private static final Log logger = LogFactory.getLog(FaultController.class);

	private static final Set<String> MEMBERS = Set.of("on", "vfId", "blockId", "action", "status", "delay", "length",
			"times", "probability");

	private final VirtualAdapter adapter;

	FaultController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "addFault", summary = "Put a fault in",
			description = "A rule that acts on a step (`on`) of any VF and block, or of the `vfId` and `blockId` given (a "
					+ "delivery or an invalidation matches when its mask holds the block). `action`: `fail` (vf-read, "
					+ "vf-write: 502 pf-failed with `status`, nothing stored), `short-read` (vf-read: the first `length` "
					+ "bytes only), `delay` (any step waits `delay` first; at most 1 minute), `drop` (delivery: the poll "
					+ "takes its bits and the connection closes without an answer; invalidation: 202 and never merged), "
					+ "`reset-vf` and `free-vf` (any step: the VF is reset or freed just before it). It fires `times` "
					+ "times (default 1; null: until deleted), each time with chance `probability` (default 1) drawn "
					+ "from a generator seeded with `vsriov.faults.seed` and the rule's id. When several rules match a "
					+ "step, the oldest that fires acts. Every firing is a `fault` event in the journal.")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(
			content = @Content(schema = @Schema(implementation = FaultRequest.class)))
	@ApiResponse(responseCode = "201", description = "In force",
			headers = @Header(name = "Location", description = "The rule's path"))
	@ApiResponse(responseCode = "400", description = "A member missing, unknown or malformed, or an action on a step it does not act on")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	ResponseEntity<FaultView> add(@RequestBody JsonNode body) {
		FaultRule rule = this.adapter.faults().add(read(body));
		logger.info("Fault " + rule.id() + " in force: " + rule.action().slug() + " on " + rule.on().slug()
				+ ((rule.vfId() != null) ? " of VF " + rule.vfId() : "")
				+ ((rule.blockId() != null) ? ", block " + rule.blockId() : ""));
		return ResponseEntity.created(URI.create("/api/v1/admin/faults/" + rule.id()))
			.body(FaultView.of(new Faults.Listed(rule, 0, rule.times())));
	}

	@GetMapping
	@Operation(operationId = "listFaults", summary = "The faults in force",
			description = "Every rule, oldest first, with how often it has fired and how often it will still fire "
					+ "(`remaining`; absent when it fires until deleted). A rule that has fired its times stays listed.")
	@ApiResponse(responseCode = "200", description = "The rules")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	FaultList list() {
		return new FaultList(this.adapter.faults().list().stream().map(FaultView::of).toList());
	}

	@GetMapping("/{faultId}")
	@Operation(operationId = "getFault", summary = "One fault rule",
			description = "The rule, with how often it has fired and how often it will still fire.")
	@ApiResponse(responseCode = "200", description = "The rule")
	@ApiResponse(responseCode = "404", description = "No such rule (fault-rule-not-found)")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	FaultView get(@Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "1"))
			@PathVariable long faultId) {
		Faults.Listed listed = this.adapter.faults().get(faultId);
		if (listed == null) {
			throw notFound(faultId);
		}
		return FaultView.of(listed);
	}

	@DeleteMapping("/{faultId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "deleteFault", summary = "Remove a fault rule",
			description = "The rule stops firing at once; a step it is delaying goes on.")
	@ApiResponse(responseCode = "204", description = "Removed")
	@ApiResponse(responseCode = "404", description = "No such rule (fault-rule-not-found)")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	void delete(@Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "1"))
			@PathVariable long faultId) {
		if (!this.adapter.faults().remove(faultId)) {
			throw notFound(faultId);
		}
	}

	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "deleteFaults", summary = "Remove every fault rule",
			description = "No rule fires from now on. Rule ids go on counting (a reset starts them at 1 again).")
	@ApiResponse(responseCode = "204", description = "None left")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	void deleteAll() {
		this.adapter.faults().clear(false);
	}

	private static AdapterException notFound(long faultId) {
		return new AdapterException(Fault.FAULT_RULE_NOT_FOUND, "no fault rule " + faultId + " is in force",
				Map.of("faultId", faultId));
	}

	/** A rule from its JSON, member by member, so that each mistake is named. */
	private static FaultRule read(JsonNode body) {
		if (body == null || !body.isObject()) {
			throw malformed("the body must be a JSON object", Map.of());
		}
		for (String name : body.propertyNames()) {
			if (!MEMBERS.contains(name)) {
				throw malformed("unknown member \"" + name + "\"; a fault has " + MEMBERS.stream().sorted().toList(),
						Map.of("member", name));
			}
		}
		FaultRule.On on = slug(body, "on", FaultRule.On.values(), FaultRule.On::slug);
		FaultRule.Action action = slug(body, "action", FaultRule.Action.values(), FaultRule.Action::slug);
		String status = string(body, "status");
		NdisStatus ndis = null;
		if (status != null) {
			try {
				ndis = NdisStatus.valueOf(status);
			}
			catch (IllegalArgumentException ex) {
				throw malformed("status must be one of " + List.of(NdisStatus.values()), Map.of("ndisStatus", status));
			}
		}
		String delayText = string(body, "delay");
		Duration delay = (delayText != null) ? PollTimeout.read(delayText.strip()) : null;
		if (delayText != null && delay == null) {
			throw malformed("delay must be like 200ms, 2s or PT0.2S", Map.of("member", "delay", "delay", delayText));
		}
		JsonNode times = body.get("times");
		Integer count = (times == null) ? Integer.valueOf(1) : (times.isNull() ? null : integer(body, "times"));
		JsonNode probability = body.get("probability");
		if (probability != null && !probability.isNumber()) {
			throw malformed("probability must be a number over 0 and at most 1", Map.of("member", "probability"));
		}
		return new FaultRule(0, on, integer(body, "vfId"), integer(body, "blockId"), action, ndis, delay,
				integer(body, "length"), count, (probability != null) ? probability.doubleValue() : 1.0);
	}

	private static <E> @Nullable E slug(JsonNode body, String name, E[] values, java.util.function.Function<E, String> slug) {
		String text = string(body, name);
		if (text == null) {
			return null;
		}
		for (E value : values) {
			if (slug.apply(value).equals(text)) {
				return value;
			}
		}
		throw malformed(name + " must be one of " + java.util.Arrays.stream(values).map(slug).toList(),
				Map.of(name, text));
	}

	private static @Nullable String string(JsonNode body, String name) {
		JsonNode node = body.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw malformed(name + " must be a string", Map.of("member", name));
		}
		return node.stringValue();
	}

	private static @Nullable Integer integer(JsonNode body, String name) {
		JsonNode node = body.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw malformed(name + " must be a whole number", Map.of("member", name));
		}
		return node.intValue();
	}

	private static AdapterException malformed(String detail, Map<String, ?> values) {
		return new AdapterException(Fault.MALFORMED_REQUEST, detail, values);
	}

	/**
	 * A fault rule as it is asked for (the members of API.md).
	 *
	 * @param on the step: vf-read, vf-write, delivery, invalidation, oid-request
	 * @param vfId the VF it is narrowed to; absent for any
	 * @param blockId the block it is narrowed to; absent for any
	 * @param action fail, delay, drop, short-read, reset-vf, free-vf
	 * @param status a fail's NDIS status (default NDIS_STATUS_FAILURE)
	 * @param delay a delay's wait: 200ms, 2s, PT0.2S
	 * @param length the bytes a short-read leaves
	 * @param times how often it fires (default 1); null for until deleted
	 * @param probability the chance it fires when it matches (default 1)
	 */
	record FaultRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
			allowableValues = { "vf-read", "vf-write", "delivery", "invalidation", "oid-request" }) String on,
			Integer vfId, Integer blockId,
			@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
					allowableValues = { "fail", "delay", "drop", "short-read", "reset-vf", "free-vf" }) String action,
			NdisStatus status, @Schema(example = "200ms") String delay, Integer length,
			@Schema(nullable = true, defaultValue = "1") Integer times,
			@Schema(defaultValue = "1.0", minimum = "0", exclusiveMinimum = true, maximum = "1") Double probability) {
	}

	/**
	 * A rule in force.
	 *
	 * @param fired how often it has fired
	 * @param remaining how often it will still fire; absent when it fires until deleted
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record FaultView(long id, FaultRule.On on, Integer vfId, Integer blockId, FaultRule.Action action,
			NdisStatus status, String delay, Integer length, Integer times, double probability, long fired,
			Integer remaining) {

		static FaultView of(Faults.Listed listed) {
			FaultRule rule = listed.rule();
			return new FaultView(rule.id(), rule.on(), rule.vfId(), rule.blockId(), rule.action(),
					rule.status(),
					(rule.delay() != null) ? rule.delay().toMillis() + "ms" : null, rule.length(), rule.times(),
					rule.probability(), listed.fired(), listed.remaining());
		}

	}

	/** Every rule in force, oldest first. */
	record FaultList(List<FaultView> faults) {
	}

}
