package org.vsriov.vf;

import java.util.List;
import java.util.function.Consumer;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.Waiter;
import org.vsriov.web.PolledStream;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The VF's pending IOCTL_VPCI_INVALIDATE_BLOCK as a long poll: it completes with the merged mask,
 * which NDIS hands the VF driver as OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK. A parked poll holds a
 * connection, not a thread. Its GET is served below Spring MVC ({@link PolledStream}); the mapping
 * here describes it, and refuses HEAD.
 */
@RestController
@Tag(name = "VF")
class InvalidationPollController implements PolledStream<BlockMask> {

	private static final String PATH = "/api/v1/vfs/{vfId}/invalidations";

	private final VirtualAdapter adapter;

	InvalidationPollController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@Override
	public String path() {
		return PATH;
	}

	/** The plain IOCTL, without a cursor, takes the pending mask: it is acknowledged on delivery. */
	@Override
	public boolean takes(@Nullable String after) {
		return after == null;
	}

	@Override
	public Waiter<BlockMask> poll(int vfId, @Nullable String after, PollTimeout timeout,
			Consumer<PollOutcome<BlockMask>> done) {
		return this.adapter.pollInvalidations(vfId, after, timeout, done);
	}

	@Override
	public InvalidationDelivery body(int vfId, BlockMask news, String cursor) {
		return InvalidationDelivery.of(vfId, news, cursor);
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "pollInvalidations", summary = "Wait for invalidations (IOCTL_VPCI_INVALIDATE_BLOCK)",
			description = "The guest's pending IOCTL_VPCI_INVALIDATE_BLOCK. Answers at once if blocks were "
					+ "invalidated after `after`, else waits up to `timeout`. The answer is the body of "
					+ "OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK: every invalidation after the cursor, OR-merged. Poll "
					+ "again with the answer's `cursor`: that acknowledges it, and a repeated cursor (a lost "
					+ "answer) gets the same bits again. Without `after` (the plain IOCTL) the poll takes the "
					+ "whole pending mask and acknowledges it on delivery. Every answer carries the current "
					+ "cursor in `Vsriov-Cursor`.")
	@ApiResponse(responseCode = "200", description = "Blocks were invalidated after the cursor",
			headers = @Header(name = CURSOR_HEADER, description = "The cursor to poll with next"))
	@ApiResponse(responseCode = "204", description = "Nothing new before the timeout (or the service stopped while it waited)",
			headers = @Header(name = CURSOR_HEADER, description = "The unchanged cursor"), content = @Content)
	@ApiResponse(responseCode = "400", description = "Malformed vfId, timeout or cursor")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	@ApiResponse(responseCode = "410", description = "The VF was freed (vf-gone) or reset (vf-reset) while the "
			+ "poll waited, or the cursor is from an earlier life of the VF (stale-cursor)")
	ResponseEntity<InvalidationDelivery> pollOperation(HttpServletRequest request, @PathVariable int vfId,
			@Parameter(description = "The `cursor` of the last answer; absent for the plain IOCTL")
			@RequestParam(required = false) String after,
			@Parameter(description = "500ms, 30s, 2m, PT30S or seconds; 0 answers at once",
					example = "30s") @RequestParam(required = false) String timeout)
			throws HttpRequestMethodNotSupportedException {
		throw PolledStream.refuse(request);
	}

	/**
	 * OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK as the VF driver receives it.
	 *
	 * @param vfId the VF
	 * @param oid the OID's name
	 * @param header the NDIS_SRIOV_VF_INVALIDATE_CONFIG_BLOCK_INFO header
	 * @param blockMask every block invalidated after the cursor, 16 hex digits
	 * @param blocks the same bits as block ids, ascending
	 * @param cursor the position to poll after next
	 */
	record InvalidationDelivery(int vfId, String oid, ObjectHeader header, String blockMask, List<Integer> blocks,
			String cursor) {

		static InvalidationDelivery of(int vfId, BlockMask mask, String cursor) {
			return new InvalidationDelivery(vfId, "OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK", ObjectHeader.INFO,
					mask.toHex(), mask.blocks(), cursor);
		}

	}

	/**
	 * An NDIS_OBJECT_HEADER.
	 *
	 * @param type NDIS_OBJECT_TYPE_DEFAULT (0x80)
	 * @param revision NDIS_SRIOV_VF_INVALIDATE_CONFIG_BLOCK_INFO_REVISION_1
	 * @param size the structure's size: a 4-byte header, padding, and the ULONG64 mask at offset 8
	 */
	record ObjectHeader(int type, int revision, int size) {

		static final ObjectHeader INFO = new ObjectHeader(0x80, 1, 16);

	}

}
