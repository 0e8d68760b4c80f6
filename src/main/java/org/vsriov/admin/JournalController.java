package org.vsriov.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Cursor;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.JournalEvent;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.web.ClientAccept;
import org.vsriov.web.PolledStream;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The journal (API.md, "The test instrument"): every operation of the adapter in one order, and the
 * long poll over it with filters that is a test's await. As JSON, NDJSON or a Mermaid diagram.
 */
@RestController
@RequestMapping("/api/v1/admin/journal")
@Tag(name = "Admin")
@SecurityRequirement(name = AdminController.TOKEN)
class JournalController {

	static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

	static final MediaType MERMAID = MediaType.parseMediaType("text/vnd.mermaid");

	// Past the poll's timeout, after which the adapter's timer has always answered: Spring MVC's own
	// timeout is only a fallback.
	private static final Duration GRACE = Duration.ofSeconds(10);

	private static final List<String> PARAMETERS = List.of("after", "timeout", "vfId", "op", "blockId");

	private final VirtualAdapter adapter;

	private final JsonMapper json;

	JournalController(VirtualAdapter adapter, JsonMapper json) {
		this.adapter = adapter;
		this.json = json;
	}

	@GetMapping(produces = { MediaType.APPLICATION_JSON_VALUE, "application/x-ndjson", "text/vnd.mermaid" })
	@Operation(operationId = "pollJournal", summary = "Await events of the journal",
			description = "The events after `after` that match every filter given (`vfId`, `blockId`, `op`: one or "
					+ "several, comma-separated), at once if there are some, else the first that come within "
					+ "`timeout`: \"wait until VF 0 has read block 5\" is `?vfId=0&op=read&blockId=5&timeout=10s`. "
					+ "Without `after`, from the oldest event kept. Poll again with the answer's `cursor`, which is past "
					+ "every event looked at: nothing is missed between two polls. At most 10,000 events per answer. "
					+ "`Accept: application/x-ndjson` gives one event per line, `text/vnd.mermaid` a Mermaid "
					+ "sequenceDiagram of them (PF, vsriov, a lane per VF).")
	@ApiResponse(responseCode = "200", description = "Matching events",
			headers = @Header(name = PolledStream.CURSOR_HEADER, description = "The cursor to poll with next"),
			content = { @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Events.class)),
					@Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
					@Content(mediaType = "text/vnd.mermaid", schema = @Schema(type = "string")) })
	@ApiResponse(responseCode = "204", description = "No matching event before the timeout",
			headers = @Header(name = PolledStream.CURSOR_HEADER, description = "The cursor past every event looked at"),
			content = @Content)
	@ApiResponse(responseCode = "400", description = "Malformed filter, timeout or cursor")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	@ApiResponse(responseCode = "410", description = "The events after the cursor are no longer kept (stale-cursor)")
	@ApiResponse(responseCode = "429", description = "Too many journal polls wait already (too-many-polls)")
	DeferredResult<ResponseEntity<?>> poll(HttpServletRequest request,
			@Parameter(description = "The `cursor` of the last answer; absent for every event kept")
			@RequestParam(required = false) String after,
			@Parameter(description = "500ms, 30s, 2m, PT30S or seconds; 0 answers at once", example = "10s")
			@RequestParam(required = false) String timeout,
			@Parameter(description = "Only events of this VF") @RequestParam(required = false) Integer vfId,
			@Parameter(description = "Only these operations, comma-separated: allocate, free, reset, invalidate, "
					+ "deliver, poll-timeout, read, write, oid-request, oid-complete, fault", example = "read")
			@RequestParam(required = false) String op,
			@Parameter(description = "Only events of this block") @RequestParam(required = false) Integer blockId) {
		checkParameters(request.getParameterMap());
		MediaType format = format(ClientAccept.of(request));
		Predicate<JournalEvent> filter = filter(checkVf(vfId), ops(op), checkBlock(blockId));
		PollTimeout wait = PollTimeout.parse(timeout, this.adapter.properties().poll());
		Cursor cursor = (after != null) ? this.adapter.journal().check(Cursor.parse(after)) : null;
		var result = new DeferredResult<ResponseEntity<?>>(wait.duration().plus(GRACE).toMillis());
		Runnable cancel = this.adapter.journal().poll(cursor, filter, wait, (outcome) -> {
			try {
				result.setResult(answer(outcome, format));
			}
			catch (AdapterException ex) {
				result.setErrorResult(ex);
			}
		});
		result.onTimeout(cancel);
		result.onError((failure) -> cancel.run());
		return result;
	}

	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "clearJournal", summary = "Empty the journal",
			description = "Forgets every event so far: a cursor after which events were forgotten gets 410. Waiting polls "
					+ "go on with what comes next.")
	@ApiResponse(responseCode = "204", description = "Emptied")
	@ApiResponse(responseCode = "401", description = "vsriov.admin.token is set and the request does not carry it")
	void clear() {
		this.adapter.journal().clear();
	}

	private ResponseEntity<?> answer(PollOutcome<List<JournalEvent>> outcome, MediaType format) {
		if (outcome instanceof PollOutcome.Ended<List<JournalEvent>>) {
			throw new AdapterException(Fault.STALE_CURSOR, "the journal dropped events after the cursor while the "
					+ "poll waited (vsriov.journal.retention); poll again without a cursor");
		}
		if (outcome instanceof PollOutcome.TimedOut<List<JournalEvent>> timedOut) {
			return ResponseEntity.noContent().header(PolledStream.CURSOR_HEADER, timedOut.cursor().encode()).build();
		}
		var delivered = (PollOutcome.Delivered<List<JournalEvent>>) outcome;
		String cursor = delivered.cursor().encode();
		List<EventView> events = delivered.news().stream().map(EventView::of).toList();
		var ok = ResponseEntity.ok().header(PolledStream.CURSOR_HEADER, cursor);
		if (NDJSON.equals(format)) {
			var lines = new StringBuilder();
			events.forEach((event) -> lines.append(this.json.writeValueAsString(event)).append('\n'));
			return ok.contentType(NDJSON).body(lines.toString());
		}
		if (MERMAID.equals(format)) {
			return ok.contentType(new MediaType(MERMAID, java.nio.charset.StandardCharsets.UTF_8))
				.body(JournalDiagram.render(delivered.news()));
		}
		return ok.contentType(MediaType.APPLICATION_JSON).body(new Events(events, cursor));
	}

	/**
	 * The format the client ranks first, by quality and then by how specific its range is (an
	 * {@code application/x-ndjson} before a {@code *}{@code /*} of the same quality); JSON when it
	 * names none of the three.
	 */
	static MediaType format(@Nullable String accept) {
		if (accept == null || accept.isBlank()) {
			return MediaType.APPLICATION_JSON;
		}
		List<MediaType> accepted = new ArrayList<>(MediaType.parseMediaTypes(accept));
		accepted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed()
			.thenComparing((type) -> type.isWildcardType() ? 2 : type.isWildcardSubtype() ? 1 : 0));
		for (MediaType type : accepted) {
			for (MediaType offered : List.of(MediaType.APPLICATION_JSON, NDJSON, MERMAID)) {
				if (type.getQualityValue() > 0 && type.includes(offered)) {
					return offered;
				}
			}
		}
		return MediaType.APPLICATION_JSON;
	}

	/**
	 * Every parameter is one this poll knows, given once, with a value: a filter that a typo or an
	 * empty value made disappear would match every event, and the await would return at once.
	 */
	private static void checkParameters(Map<String, String[]> parameters) {
		parameters.forEach((name, values) -> {
			if (!PARAMETERS.contains(name)) {
				throw malformed("unknown parameter \"" + name + "\"; the journal's poll takes " + PARAMETERS, name);
			}
			if (values.length != 1 || values[0].isBlank()) {
				throw malformed(name + " must be given once, with a value", name);
			}
		});
	}

	private @Nullable Integer checkVf(@Nullable Integer vfId) {
		int vfs = this.adapter.properties().totalVfs();
		if (vfId != null && (vfId < 0 || vfId >= vfs)) {
			throw new AdapterException(Fault.INVALID_VF_ID, "vfId must be 0 to " + (vfs - 1) + " (vsriov.total-vfs)",
					Map.of("vfId", vfId));
		}
		return vfId;
	}

	private @Nullable Integer checkBlock(@Nullable Integer blockId) {
		int blocks = this.adapter.properties().blockCount();
		if (blockId != null && (blockId < 0 || blockId >= blocks)) {
			throw new AdapterException(Fault.INVALID_BLOCK_ID, "blockId must be 0 to " + (blocks - 1)
					+ " (vsriov.block-count)", Map.of("blockId", blockId));
		}
		return blockId;
	}

	private static AdapterException malformed(String detail, String parameter) {
		return new AdapterException(Fault.MALFORMED_REQUEST, detail, Map.of("parameter", parameter));
	}

	private static Set<JournalEvent.Op> ops(@Nullable String op) {
		if (op == null || op.isBlank()) {
			return EnumSet.allOf(JournalEvent.Op.class);
		}
		Set<JournalEvent.Op> ops = EnumSet.noneOf(JournalEvent.Op.class);
		for (String name : op.split(",")) {
			JournalEvent.Op one = JournalEvent.Op.of(name.strip());
			if (one == null) {
				throw new AdapterException(Fault.MALFORMED_REQUEST, "op must be one or several (comma-separated) of "
						+ java.util.Arrays.stream(JournalEvent.Op.values()).map(JournalEvent.Op::slug).toList(),
						Map.of("op", op));
			}
			ops.add(one);
		}
		return ops;
	}

	private static Predicate<JournalEvent> filter(@Nullable Integer vfId, Set<JournalEvent.Op> ops,
			@Nullable Integer blockId) {
		return (event) -> ops.contains(event.op()) && (vfId == null || vfId.equals(event.vfId()))
				&& (blockId == null || blockId.equals(event.blockId())
						|| (event.mask() != null && blockId >= 0 && blockId < 64 && event.mask().blocks().contains(blockId)));
	}

	/**
	 * An event of the journal (API.md's members; absent ones omitted).
	 *
	 * @param mask an invalidation's or a delivery's mask, 16 hex digits
	 * @param blocks the same bits as block ids
	 * @param status how it ended, if not simply done: an NDIS status, or a problem's slug
	 * @param action the action of the fault rule that fired (op fault)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record EventView(long seq, Instant at, JournalEvent.Party role, JournalEvent.Op op, Integer vfId, Integer blockId,
			String mask, List<Integer> blocks, Integer length, Long version, String status, String cursor,
			Long requestId, Long faultId, String action) {

		static EventView of(JournalEvent event) {
			return new EventView(event.seq(), event.at(), event.role(), event.op(), event.vfId(), event.blockId(),
					(event.mask() != null) ? event.mask().toHex() : null,
					(event.mask() != null) ? event.mask().blocks() : null, event.length(), event.version(),
					event.status(), (event.cursor() != null) ? event.cursor().encode() : null, event.requestId(),
					event.faultId(), event.action());
		}

	}

	/**
	 * Matching events, oldest first.
	 *
	 * @param cursor the cursor past every event looked at: poll again with it
	 */
	record Events(List<EventView> events, String cursor) {
	}

}
