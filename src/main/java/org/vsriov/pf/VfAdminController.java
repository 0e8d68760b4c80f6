package org.vsriov.pf;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.FaultRule;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.web.CoreCommand;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The PF's handle on one VF: its state, and invalidating its blocks. The invalidation, which starts
 * every delivery, is served below Spring MVC ({@link CoreCommand}); its mapping here describes it.
 */
@RestController
@RequestMapping(path = "/api/v1/pf/vfs/{vfId}", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "PF")
class VfAdminController implements CoreCommand<InvalidationRequest> {

	private final VirtualAdapter adapter;

	VfAdminController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@Override
	public String path() {
		return "/api/v1/pf/vfs/{vfId}/invalidations";
	}

	@Override
	public Class<InvalidationRequest> bodyType() {
		return InvalidationRequest.class;
	}

	/**
	 * Invalidates, or does what a fault rule on {@code invalidation} says: a {@code drop} loses the
	 * invalidation (202, nothing merged), a {@code delay} answers once the invalidation is done.
	 * @return the 202's body, or a future of it
	 */
	@Override
	public Object run(int vfId, InvalidationRequest request) {
		BlockMask mask = request.toMask();
		this.adapter.checkInvalidatable(mask);
		FaultRule rule = this.adapter.fault(FaultRule.On.INVALIDATION, vfId, -1, mask);
		if (rule != null && rule.action() == FaultRule.Action.DROP) {
			return PendingView.of(vfId, this.adapter.state(vfId).pendingMask());
		}
		if (rule != null && rule.action() == FaultRule.Action.DELAY) {
			return this.adapter.later(rule.delay(), () -> PendingView.of(vfId, this.adapter.invalidate(vfId, mask)));
		}
		return PendingView.of(vfId, this.adapter.invalidate(vfId, mask));
	}

	@GetMapping
	@Operation(operationId = "vfState", summary = "VF state",
			description = "The VF's pending mask (every bit invalidated since it last acknowledged), its current "
					+ "invalidation cursor, its parked polls, the blocks written since it was allocated (a reset keeps them), and the size of "
					+ "its block-write log. The cursor is for watching: a VF that polls with it as `after` "
					+ "acknowledges every pending bit, delivered or not. A VF uses the cursors of its own answers.")
	@ApiResponse(responseCode = "200", description = "The VF")
	@ApiResponse(responseCode = "400", description = "Malformed vfId, or outside 0..totalVfs-1")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	VfView vf(@PathVariable int vfId) {
		return VfView.of(this.adapter.state(vfId));
	}

	@PostMapping(path = "/invalidations", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(summary = "Invalidate blocks of a VF (NdisMInvalidateConfigBlock)",
			description = "NdisMInvalidateConfigBlock(VFId, BlockMask): the 64-bit mask (bit i = block i, blocks "
					+ "0..63) is OR-merged into the VF's cache and the VF's waiting invalidation polls complete. "
					+ "Invalidations while no poll waits coalesce into one delivery; nothing is dropped. Give "
					+ "`blockMask` (\"0x21\", \"33\" or 33) or `blocks` ([0, 5]).")
	@ApiResponse(responseCode = "202", description = "Merged; the VF's pending mask after the merge")
	@ApiResponse(responseCode = "400",
			description = "Malformed vfId; blockMask 0, over 64 bits or malformed; both or neither of blockMask and blocks")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	@ApiResponse(responseCode = "415", description = "Body is not application/json")
	PendingView invalidate(@PathVariable int vfId, @RequestBody InvalidationRequest request) {
		// Served by CommandHandler on a running server; here only for a test's mock, which may wait.
		Object answer = run(vfId, request);
		if (answer instanceof CompletableFuture<?> later) {
			try {
				return (PendingView) later.join();
			}
			catch (CompletionException ex) {
				throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
			}
		}
		return (PendingView) answer;
	}

}
