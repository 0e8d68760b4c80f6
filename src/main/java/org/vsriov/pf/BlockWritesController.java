package org.vsriov.pf;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
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
import org.vsriov.adapter.BlockWrite;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VirtualAdapter;
import org.vsriov.adapter.Waiter;
import org.vsriov.web.PolledStream;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The PF's side of OID_SRIOV_WRITE_VF_CONFIG_BLOCK: a long poll over the log of the VF's block writes.
 * Reading never consumes the log, so any number of PF agents can follow it. Its GET is served below
 * Spring MVC ({@link PolledStream}); the mapping here describes it, and refuses HEAD.
 */
@RestController
@Tag(name = "PF")
class BlockWritesController implements PolledStream<List<BlockWrite>> {

	private static final String PATH = "/api/v1/pf/vfs/{vfId}/block-writes";

	private final VirtualAdapter adapter;

	BlockWritesController(VirtualAdapter adapter) {
		this.adapter = adapter;
	}

	@Override
	public String path() {
		return PATH;
	}

	/** Reading never consumes the log. */
	@Override
	public boolean takes(@Nullable String after) {
		return false;
	}

	@Override
	public Waiter<List<BlockWrite>> poll(int vfId, @Nullable String after, PollTimeout timeout,
			Consumer<PollOutcome<List<BlockWrite>>> done) {
		return this.adapter.pollBlockWrites(vfId, after, timeout, done);
	}

	@Override
	public BlockWrites body(int vfId, List<BlockWrite> news, String cursor) {
		return new BlockWrites(vfId, news.stream().map(BlockWriteEntry::of).toList(), cursor);
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "pollBlockWrites", summary = "Wait for the VF's block writes (OID_SRIOV_WRITE_VF_CONFIG_BLOCK)",
			description = "Every NdisMWriteConfigBlock of the VF after `after`, oldest first, each with the "
					+ "bytes written (a record streamed as several writes to one block arrives whole, write by "
					+ "write). Answers at once if there are any, else waits up to `timeout` for the next. Without "
					+ "`after`: every write still retained. Poll again with the answer's `cursor`. The log keeps "
					+ "the newest writes (vsriov.write-log-retention, default 1024); a cursor whose writes are "
					+ "no longer all kept gets 410 stale-cursor: re-read the blocks and poll without `after`.")
	@ApiResponse(responseCode = "200", description = "The writes after the cursor",
			headers = @Header(name = CURSOR_HEADER, description = "The cursor to poll with next"))
	@ApiResponse(responseCode = "204", description = "No write before the timeout (or the service stopped while it waited)",
			headers = @Header(name = CURSOR_HEADER, description = "The unchanged cursor"),
			content = @Content)
	@ApiResponse(responseCode = "400", description = "Malformed vfId, timeout or cursor")
	@ApiResponse(responseCode = "404", description = "VF not allocated")
	@ApiResponse(responseCode = "410", description = "The VF was freed (vf-gone) or reset (vf-reset) while the "
			+ "poll waited, or the cursor is from an earlier life or older than the retained log (stale-cursor)")
	ResponseEntity<BlockWrites> pollOperation(HttpServletRequest request, @PathVariable int vfId,
			@Parameter(description = "The `cursor` of the last answer; absent for every retained write")
			@RequestParam(required = false) String after,
			@Parameter(description = "500ms, 30s, 2m, PT30S or seconds; 0 answers at once",
					example = "30s") @RequestParam(required = false) String timeout)
			throws HttpRequestMethodNotSupportedException {
		throw PolledStream.refuse(request);
	}

	/**
	 * The VF's writes after the cursor.
	 *
	 * @param vfId the VF
	 * @param writes oldest first
	 * @param cursor the position after the newest of them
	 */
	record BlockWrites(int vfId, List<BlockWriteEntry> writes, String cursor) {
	}

	/**
	 * One NdisMWriteConfigBlock of the VF.
	 *
	 * @param blockId the block written
	 * @param length how many bytes the VF wrote
	 * @param hex the bytes written
	 * @param base64 the same bytes
	 * @param version the block's version after the write
	 * @param at when
	 */
	record BlockWriteEntry(int blockId, int length, String hex, String base64, long version, Instant at) {

		static BlockWriteEntry of(BlockWrite write) {
			byte[] data = write.data();
			return new BlockWriteEntry(write.blockId(), data.length, HexFormat.of().formatHex(data),
					Base64.getEncoder().encodeToString(data), write.version(), write.at());
		}

	}

}
