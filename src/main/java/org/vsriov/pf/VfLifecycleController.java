package org.vsriov.pf;

import java.net.URI;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.BlockSource;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.VfState;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The PF's control of VF lives: allocate, free and function-level reset. */
@RestController
@RequestMapping(path = "/api/v1/pf/vfs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "PF")
class VfLifecycleController {

	private final VirtualAdapter adapter;

	VfLifecycleController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	// JSON only (the YAML reader on the classpath would skip the strict JSON rules); a POST without a
	// body still matches, since the body is optional.
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Allocate a VF (OID_NIC_SWITCH_ALLOCATE_VF)",
			description = "Allocates the VF given as `vfId`, or the lowest free one when the body or `vfId` is "
					+ "absent. The VF starts a new life: every block reads as zeros, the write log is empty, no "
					+ "bits are pending, and cursors from any earlier life are stale (410).")
	@ApiResponse(responseCode = "201", description = "Allocated; Location is the VF's state",
			headers = @Header(name = HttpHeaders.LOCATION, description = "/api/v1/pf/vfs/{vfId}"))
	@ApiResponse(responseCode = "400", description = "vfId outside 0..totalVfs-1, not an integer, unknown field")
	@ApiResponse(responseCode = "409", description = "The VF is allocated already (vf-allocated), or every VF is "
			+ "(no-free-vf)")
	@ApiResponse(responseCode = "415", description = "A body that is not application/json")
	ResponseEntity<VfView> allocate(@RequestBody(required = false) AllocationRequest request) {
		VfState state = (request != null) ? this.adapter.allocate(request.vfId(), request.blockSource())
				: this.adapter.allocate(null);
		return ResponseEntity.created(URI.create("/api/v1/pf/vfs/" + state.vfId())).body(VfView.of(state));
	}

	@DeleteMapping("/{vfId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Free a VF (OID_NIC_SWITCH_FREE_VF)",
			description = "Ends the VF's life. Its parked polls, invalidations and block writes alike, end at "
					+ "once with 410 vf-gone; then every VF and PF path of the VF answers 404 until it is "
					+ "allocated again, with zeroed blocks.")
	@ApiResponse(responseCode = "204", description = "Freed")
	@ApiResponse(responseCode = "400", description = "Malformed vfId, or outside 0..totalVfs-1")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	void free(@PathVariable int vfId) {
		this.adapter.free(vfId);
	}

	@PostMapping("/{vfId}/reset")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Reset a VF (OID_SRIOV_RESET_VF, function-level reset)",
			description = "A function-level reset: the VF's parked polls end at once with 410 vf-reset, its "
					+ "pending mask and block-write log are discarded, and it starts a new life, so every cursor "
					+ "from before the reset gets 410 stale-cursor. Block contents and versions stay.")
	@ApiResponse(responseCode = "204", description = "Reset")
	@ApiResponse(responseCode = "400", description = "Malformed vfId, or outside 0..totalVfs-1")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	void reset(@PathVariable int vfId) {
		this.adapter.reset(vfId);
	}

	/**
	 * What to allocate.
	 *
	 * @param vfId the VF to allocate, or null for the lowest free one
	 */
	@PutMapping(path = "/{vfId}/block-source", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "setBlockSource", summary = "Choose who answers a VF's reads and writes",
			description = "`store`: vsriov keeps the VF's blocks and answers its reads and writes. `pf`: each VF read and "
					+ "write becomes an OID request (OID_SRIOV_READ_VF_CONFIG_BLOCK, OID_SRIOV_WRITE_VF_CONFIG_BLOCK) that a "
					+ "PF agent takes from `GET /api/v1/pf/oid-requests` and completes, as on a real host. Takes effect "
					+ "for the next read or write; requests already made stay pending until they end. A reset keeps the "
					+ "setting; a free forgets it (an allocation takes `blockSource`, else `vsriov.block-source`).")
	@ApiResponse(responseCode = "204", description = "Set")
	@ApiResponse(responseCode = "400", description = "Malformed vfId or body, or a blockSource other than store or pf")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	@ApiResponse(responseCode = "415", description = "A body that is not application/json")
	void blockSource(@PathVariable int vfId, @RequestBody BlockSourceRequest request) {
		if (request.blockSource() == null) {
			throw new AdapterException(Fault.MALFORMED_REQUEST, "blockSource is required: store or pf",
					Map.of("vfId", vfId));
		}
		this.adapter.blockSource(vfId, request.blockSource());
	}

	/**
	 * What to allocate.
	 *
	 * @param vfId the VF to allocate, or null for the lowest free one
	 * @param blockSource who answers its reads and writes, or null for {@code vsriov.block-source}
	 */
	@Schema(description = "The VF to allocate; without vfId (or without a body) the lowest free one")
	record AllocationRequest(@Schema(example = "5", minimum = "0", nullable = true) Integer vfId,
			@Schema(nullable = true, description = "Who answers the VF's reads and writes; absent for "
					+ "vsriov.block-source (default store)") BlockSource blockSource) {
	}

	/**
	 * Who answers a VF's reads and writes.
	 *
	 * @param blockSource store or pf
	 */
	@Schema(example = "{\"blockSource\": \"pf\"}")
	record BlockSourceRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) BlockSource blockSource) {
	}

}
