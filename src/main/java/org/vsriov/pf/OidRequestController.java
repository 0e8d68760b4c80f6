package org.vsriov.pf;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.NdisStatus;
import org.vsriov.adapter.OidRequest;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.Waiter;
import org.vsriov.web.BlockData;
import org.vsriov.web.PolledStream;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The PF miniport's side of the VF reads and writes it answers (block source {@code pf}): a long
 * poll over the pending OID requests of every VF, and their completion (NdisMOidRequestComplete).
 * Not a hot path: the poll is a plain Spring MVC {@link DeferredResult}.
 */
@RestController
@RequestMapping(path = "/api/v1/pf/oid-requests", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "PF")
class OidRequestController {

	// Past the poll's timeout, after which the adapter's timer has always answered: Spring MVC's own
	// timeout is only a fallback.
	private static final Duration GRACE = Duration.ofSeconds(10);

	private final VirtualAdapter adapter;

	OidRequestController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@GetMapping
	@Operation(operationId = "pollOidRequests",
			summary = "Wait for VF reads and writes to answer (OID_SRIOV_READ_VF_CONFIG_BLOCK, OID_SRIOV_WRITE_VF_CONFIG_BLOCK)",
			description = "The OID requests of every VF whose block source is `pf` that are pending after `after`, oldest "
					+ "first. By default they are handed over one at a time, as NDIS hands OIDs to a miniport: the next "
					+ "appears once the previous one is completed or has timed out (`vsriov.oid.serialized`). Answers at "
					+ "once if there are any, else waits up to `timeout`. Taking is not completing: a poll repeated with "
					+ "the same cursor gets the same pending requests again. Complete each with "
					+ "`POST /api/v1/pf/oid-requests/{requestId}` within `vsriov.oid.timeout` (default 2 s).")
	@ApiResponse(responseCode = "200", description = "Pending requests after the cursor",
			headers = @Header(name = PolledStream.CURSOR_HEADER, description = "The cursor to poll with next"))
	@ApiResponse(responseCode = "204", description = "No request before the timeout (or the service stopped while it waited)",
			headers = @Header(name = PolledStream.CURSOR_HEADER, description = "The unchanged cursor"),
			content = @Content)
	@ApiResponse(responseCode = "400", description = "Malformed timeout or cursor")
	@ApiResponse(responseCode = "410", description = "The cursor is from an earlier run of the service (stale-cursor)")
	@ApiResponse(responseCode = "429", description = "Too many polls parked (too-many-polls)")
	DeferredResult<ResponseEntity<OidRequests>> poll(
			@Parameter(description = "The `cursor` of the last answer; absent for every request handed over now")
			@RequestParam(required = false) String after,
			@Parameter(description = "500ms, 30s, 2m, PT30S or seconds; 0 answers at once",
					example = "30s") @RequestParam(required = false) String timeout) {
		PollTimeout wait = PollTimeout.parse(timeout, this.adapter.properties().poll());
		var result = new DeferredResult<ResponseEntity<OidRequests>>(wait.duration().plus(GRACE).toMillis());
		Waiter<List<OidRequest>> waiter = this.adapter.pollOidRequests(after, wait,
				(outcome) -> result.setResult(answer(outcome)));
		result.onTimeout(waiter::expire);
		result.onError((failure) -> waiter.cancel());
		return result;
	}

	private static ResponseEntity<OidRequests> answer(PollOutcome<List<OidRequest>> outcome) {
		if (outcome instanceof PollOutcome.Delivered<List<OidRequest>> delivered) {
			String cursor = delivered.cursor().encode();
			return ResponseEntity.ok()
				.header(PolledStream.CURSOR_HEADER, cursor)
				.body(new OidRequests(delivered.news().stream().map(OidRequestView::of).toList(), cursor));
		}
		// The adapter's stream of OID requests has no life to end: the rest is a timeout.
		String cursor = ((PollOutcome.TimedOut<List<OidRequest>>) outcome).cursor().encode();
		return ResponseEntity.noContent().header(PolledStream.CURSOR_HEADER, cursor).build();
	}

	@PostMapping(path = "/{requestId}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "completeOidRequest", summary = "Complete a VF's read or write (NdisMOidRequestComplete)",
			description = "Completes an OID request with an NDIS status: the VF's waiting read or write is answered at "
					+ "once. `NDIS_STATUS_SUCCESS` completes a read with its data (`hex` or `base64`, 0 to `length` "
					+ "bytes: fewer is a short read) and a write with no data. Any other status fails the request: the "
					+ "VF gets 502 pf-failed with `ndisStatus`; `NDIS_STATUS_INVALID_LENGTH` may carry `bytesNeeded`.")
	@ApiResponse(responseCode = "204", description = "Completed")
	@ApiResponse(responseCode = "400", description = "Malformed requestId or body, unknown status, data that does not fit the request")
	@ApiResponse(responseCode = "404", description = "No such request (oid-request-not-found)")
	@ApiResponse(responseCode = "409", description = "The request has already ended: completed, timed out, or ended by a free "
			+ "or reset of its VF (oid-request-ended)")
	@ApiResponse(responseCode = "415", description = "A body that is not application/json")
	void complete(@Parameter(description = "The request's `requestId`",
			schema = @Schema(type = "integer", format = "int64", minimum = "1")) @PathVariable long requestId,
			@RequestBody OidCompletion completion) {
		if (completion.status() == null) {
			throw new AdapterException(Fault.MALFORMED_REQUEST,
					"status is required: NDIS_STATUS_SUCCESS, or the NDIS status the PF fails the request with");
		}
		byte[] data = (completion.hex() == null && completion.base64() == null) ? new byte[0]
				: new BlockData(completion.hex(), completion.base64()).bytes();
		this.adapter.completeOid(requestId, completion.status(), data, completion.bytesNeeded());
	}

	/**
	 * The PF's completion of an OID request.
	 *
	 * @param status how the PF completes it
	 * @param hex a read's data, as hex
	 * @param base64 a read's data, as base64, instead of hex
	 * @param bytesNeeded with NDIS_STATUS_INVALID_LENGTH: the length the PF needs
	 */
	@Schema(description = "An NDIS status; with NDIS_STATUS_SUCCESS a read's data as hex or base64",
			example = "{\"status\": \"NDIS_STATUS_SUCCESS\", \"hex\": \"0100ff\"}")
	record OidCompletion(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) NdisStatus status,
			@Schema(nullable = true, example = "0100ff") @Nullable String hex,
			@Schema(nullable = true, example = "AQD/") @Nullable String base64,
			@Schema(nullable = true, minimum = "0") @Nullable Long bytesNeeded) {
	}

	/**
	 * The pending requests after the cursor.
	 *
	 * @param requests oldest first
	 * @param cursor the position after the newest of them
	 */
	record OidRequests(List<OidRequestView> requests, String cursor) {
	}

	/**
	 * One OID request: a VF's read or write that the PF answers.
	 *
	 * @param requestId what to complete it by
	 * @param oid OID_SRIOV_READ_VF_CONFIG_BLOCK or OID_SRIOV_WRITE_VF_CONFIG_BLOCK
	 * @param code the OID's code
	 * @param vfId the VF
	 * @param blockId the block
	 * @param length bytes asked for (a read) or written (a write)
	 * @param at when the VF made it
	 * @param hex a write's bytes
	 * @param base64 the same bytes
	 */
	record OidRequestView(long requestId,
			@Schema(allowableValues = { "OID_SRIOV_READ_VF_CONFIG_BLOCK", "OID_SRIOV_WRITE_VF_CONFIG_BLOCK" }) String oid,
			@Schema(example = "0x00010253") String code, int vfId, int blockId, int length, Instant at,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "A write's bytes; absent for a read") String hex,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "A write's bytes; absent for a read") String base64) {

		static OidRequestView of(OidRequest request) {
			boolean write = request.kind() == OidRequest.Kind.WRITE;
			byte[] data = request.data();
			return new OidRequestView(request.requestId(), request.kind().oid(),
					String.format("0x%08x", request.kind().code()), request.vfId(), request.blockId(), request.length(),
					request.at(), write ? HexFormat.of().formatHex(data) : null,
					write ? Base64.getEncoder().encodeToString(data) : null);
		}

	}

}
