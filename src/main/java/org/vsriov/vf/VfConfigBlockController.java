package org.vsriov.vf;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.vsriov.adapter.FaultRule;
import org.vsriov.adapter.Role;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.web.BlockData;
import org.vsriov.web.BlockView;
import org.vsriov.web.ConfigBlockEndpoint;
import org.vsriov.web.PfAnswers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The VF driver's config-block transfers: NdisMReadConfigBlock and NdisMWriteConfigBlock. */
@RestController
@RequestMapping("/api/v1/vfs/{vfId}/config-blocks/{blockId}")
@Tag(name = "VF")
class VfConfigBlockController extends ConfigBlockEndpoint {

	private static final String WRITE_SUMMARY = "Write a block (NdisMWriteConfigBlock)";

	private static final String PF_ANSWERED = " When the VF's block source is `pf`, the transfer is an OID request that a PF agent "
			+ "completes (`GET /api/v1/pf/oid-requests`): the VF's request waits for it, up to `vsriov.oid.timeout`, and "
			+ "gets 502 `pf-failed` if the PF fails it, 504 `pf-timeout` if it does not complete it in time, 410 if the "
			+ "VF is freed or reset meanwhile. Then no version or ETag goes with the block: they belong to vsriov's store.";

	private static final String WRITE_DESCRIPTION_STORE = "NdisMWriteConfigBlock, which NDIS turns into OID_SRIOV_WRITE_VF_CONFIG_BLOCK to the PF. "
			+ "n bytes replace the block: bytes 0..n-1 are the data, the rest reads as zeros. Every "
			+ "write is also appended, in order, to the VF's block-write log for the PF. With "
			+ "`If-Match`, only if the block is still at that version; with `If-None-Match: *`, only if it was never written."
			+ " The body is raw bytes (`application/octet-stream`) or JSON `{\"hex\": \"...\"}` or `{\"base64\": \"...\"}`.";

	private static final String WRITE_DESCRIPTION = WRITE_DESCRIPTION_STORE + PF_ANSWERED
			+ " A write the PF completed is appended to the block-write log; a conditional write is 400.";

	private final PfAnswers pf;

	private final VirtualAdapter adapter;

	VfConfigBlockController(VirtualAdapter adapter) {
		super(adapter, Role.VF);
		this.adapter = adapter;
		this.pf = new PfAnswers(adapter);
	}

	@GetMapping(produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_OCTET_STREAM_VALUE })
	@Operation(operationId = "vfReadBlock", summary = "Read a block (NdisMReadConfigBlock)",
			description = "NdisMReadConfigBlock, which NDIS turns into OID_SRIOV_READ_VF_CONFIG_BLOCK to the PF. "
					+ "Every transfer starts at byte 0: `length` returns the first n bytes (1..blockSize), "
					+ "without it the whole block. A block never written reads as zeros. JSON by default, raw "
					+ "bytes with `Accept: application/octet-stream`. The ETag is the block's version." + PF_ANSWERED)
	@ApiResponse(responseCode = "200", description = "The block", headers = @Header(name = HttpHeaders.ETAG,
			description = "The block's version, quoted"), content = {
			@Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = BlockView.class)),
			@Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
					schema = @Schema(type = "string", format = "binary")) })
	@ApiResponse(responseCode = "304", description = "If-None-Match names the block's version: not changed",
			headers = @Header(name = HttpHeaders.ETAG, description = "The block's version, quoted"), content = @Content)
	@ApiResponse(responseCode = "400", description = "Malformed vfId, blockId or length")
	@ApiResponse(responseCode = "404", description = "VF not allocated, or block not defined")
	@ApiResponse(responseCode = "410", description = "Block source pf: the VF was freed or reset while the PF had the request")
	@ApiResponse(responseCode = "502", description = "Block source pf: the PF failed the request (pf-failed, with ndisStatus)")
	@ApiResponse(responseCode = "504", description = "Block source pf: the PF did not complete the request in time (pf-timeout)")
	ResponseEntity<?> read(@PathVariable int vfId, @PathVariable int blockId,
			@RequestParam(required = false) Integer length, HttpServletRequest request) {
		int asked = (length != null) ? this.adapter.checkLength(length) : this.adapter.properties().blockSize();
		FaultRule rule = this.adapter.fault(FaultRule.On.VF_READ, vfId, blockId, null, asked);
		if (rule != null) {
			applyFault(rule, vfId, blockId, asked);
		}
		// A short read cuts the answer, not the question: the PF agent still sees the read as asked.
		int answered = (rule != null && rule.action() == FaultRule.Action.SHORT_READ) ? rule.length() : asked;
		if (this.pf.answer(vfId)) {
			return this.pf.read(vfId, blockId, asked, answered, request);
		}
		return readBlock(vfId, blockId, answered, request);
	}

	@PutMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "vfWriteBlock", summary = WRITE_SUMMARY, description = WRITE_DESCRIPTION)
	@ApiResponse(responseCode = "200", description = "The block as written", headers = @Header(name = HttpHeaders.ETAG,
			description = "The block's new version, quoted"))
	@ApiResponse(responseCode = "400", description = "Malformed id, or empty data")
	@ApiResponse(responseCode = "404", description = "VF not allocated, or block not defined")
	@ApiResponse(responseCode = "412", description = "If-Match no longer matches, or If-None-Match matches, the block's version")
	@ApiResponse(responseCode = "413", description = "Data longer than blockSize")
	@ApiResponse(responseCode = "415", description = "A body that is neither application/octet-stream nor application/json")
	@ApiResponse(responseCode = "410", description = "Block source pf: the VF was freed or reset while the PF had the request")
	@ApiResponse(responseCode = "502", description = "Block source pf: the PF failed the request (pf-failed, with ndisStatus)")
	@ApiResponse(responseCode = "504", description = "Block source pf: the PF did not complete the request in time (pf-timeout)")
	ResponseEntity<BlockView> writeRaw(@PathVariable int vfId, @PathVariable int blockId,
			@RequestBody(required = false) byte[] data,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
			HttpServletRequest request) {
		return write(vfId, blockId, data, ifMatch, ifNoneMatch, request);
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "vfWriteBlock", summary = WRITE_SUMMARY, description = WRITE_DESCRIPTION)
	@ApiResponse(responseCode = "200", description = "The block as written", headers = @Header(name = HttpHeaders.ETAG,
			description = "The block's new version, quoted"))
	@ApiResponse(responseCode = "400", description = "Malformed id or body, bad hex or base64, empty data")
	@ApiResponse(responseCode = "404", description = "VF not allocated, or block not defined")
	@ApiResponse(responseCode = "412", description = "If-Match no longer matches, or If-None-Match matches, the block's version")
	@ApiResponse(responseCode = "413", description = "Data longer than blockSize")
	@ApiResponse(responseCode = "415", description = "A body that is neither application/octet-stream nor application/json")
	@ApiResponse(responseCode = "410", description = "Block source pf: the VF was freed or reset while the PF had the request")
	@ApiResponse(responseCode = "502", description = "Block source pf: the PF failed the request (pf-failed, with ndisStatus)")
	@ApiResponse(responseCode = "504", description = "Block source pf: the PF did not complete the request in time (pf-timeout)")
	ResponseEntity<BlockView> writeJson(@PathVariable int vfId, @PathVariable int blockId,
			@RequestBody BlockData data,
			@RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
			HttpServletRequest request) {
		return write(vfId, blockId, data.bytes(), ifMatch, ifNoneMatch, request);
	}

	private ResponseEntity<BlockView> write(int vfId, int blockId, byte[] data, String ifMatch, String ifNoneMatch,
			HttpServletRequest request) {
		byte[] bytes = (data != null) ? data : new byte[0];
		// Every refusal before a fault rule fires, in the order the write checks: a write refused
		// anyway fires nothing.
		this.adapter.checkWrite(vfId, blockId, bytes);
		if (this.pf.answer(vfId)) {
			PfAnswers.checkUnconditional(vfId, blockId, ifMatch, ifNoneMatch);
		}
		else {
			checkPreconditions(vfId, blockId, ifMatch, ifNoneMatch);
		}
		FaultRule rule = this.adapter.fault(FaultRule.On.VF_WRITE, vfId, blockId, null);
		if (rule != null) {
			applyFault(rule, vfId, blockId, bytes.length);
		}
		if (this.pf.answer(vfId)) {
			return this.pf.write(vfId, blockId, bytes, ifMatch, ifNoneMatch, request);
		}
		return writeBlock(vfId, blockId, bytes, ifMatch, ifNoneMatch);
	}

	/**
	 * What a fault rule that fired does before the transfer: a {@code fail} refuses it as the PF
	 * would (502, nothing stored), a {@code delay} waits on this request's thread, as a slow PF
	 * holds the VF's OID (at most {@link org.vsriov.adapter.Faults#MAX_DELAY}). The others are
	 * done already ({@code reset-vf}, {@code free-vf}) or change the transfer ({@code short-read}).
	 */
	private void applyFault(FaultRule rule, int vfId, int blockId, int length) {
		if (rule.action() == FaultRule.Action.FAIL) {
			this.adapter.journalFailed(rule.on(), vfId, blockId, length, rule.status());
			throw PfAnswers.failed(vfId, blockId, rule.status(), null);
		}
		if (rule.action() == FaultRule.Action.DELAY) {
			long mark = this.adapter.restarts();
			try {
				Thread.sleep(rule.delay().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("a delayed transfer was interrupted", ex);
			}
			this.adapter.checkNotRestartedSince(mark);
		}
	}

}
