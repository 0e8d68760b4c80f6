package org.vsriov.pf;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.vsriov.adapter.VirtualAdapter;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The PF's view of the whole adapter, and invalidation of every VF at once. */
@RestController
@RequestMapping(path = "/api/v1/pf", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "PF")
class AdapterController {

	private final VirtualAdapter adapter;

	AdapterController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@GetMapping
	@Operation(operationId = "adapterState", summary = "Adapter state (SR-IOV capability, allocated VFs)",
			description = "The SR-IOV capability (TotalVFs), the block geometry, and every allocated VF "
					+ "(NumVFs) with its pending mask.")
	@ApiResponse(responseCode = "200", description = "The adapter")
	AdapterView adapter() {
		var properties = this.adapter.properties();
		List<VfView> vfs = this.adapter.states().stream().map(VfView::of).toList();
		return new AdapterView(properties.totalVfs(), properties.blockCount(), properties.blockSize(), vfs);
	}

	@PostMapping(path = "/invalidations", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Invalidate blocks of every VF (NdisMInvalidateConfigBlock, VF 0xFFFF)",
			description = "NdisMInvalidateConfigBlock for every allocated VF (the pcivirt.h VF index 0xFFFF "
					+ "form): the mask is OR-merged into each VF's cache and each VF's waiting polls complete.")
	@ApiResponse(responseCode = "202", description = "Merged into every allocated VF's cache")
	@ApiResponse(responseCode = "400", description = "Bad blockMask or blocks, unknown field, malformed JSON")
	@ApiResponse(responseCode = "415", description = "Body is not application/json")
	Broadcast invalidateAll(@RequestBody InvalidationRequest request) {
		var vfs = this.adapter.invalidateAll(request.toMask())
			.entrySet()
			.stream()
			.map((pending) -> PendingView.of(pending.getKey(), pending.getValue()))
			.toList();
		return new Broadcast(vfs);
	}

	/**
	 * The adapter.
	 *
	 * @param totalVfs VF ids run 0..totalVfs-1
	 * @param blockCount block ids run 0..blockCount-1
	 * @param blockSize the largest transfer in bytes
	 * @param vfs the allocated VFs
	 */
	record AdapterView(int totalVfs, int blockCount, int blockSize, List<VfView> vfs) {
	}

	/**
	 * A broadcast's result.
	 *
	 * @param vfs each allocated VF's pending mask after the merge
	 */
	record Broadcast(List<PendingView> vfs) {
	}

}
