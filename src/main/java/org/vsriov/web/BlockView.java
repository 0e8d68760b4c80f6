package org.vsriov.web;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import io.swagger.v3.oas.annotations.media.Schema;
import org.vsriov.adapter.ConfigBlock;
import org.vsriov.adapter.Role;

/**
 * A config block as JSON: the bytes read (hex and base64) and the block's version and last writer.
 *
 * @param vfId the VF
 * @param blockId the block
 * @param length how many bytes were read
 * @param hex those bytes as lowercase hex
 * @param base64 the same bytes as base64
 * @param version 0 if never written; also the block's ETag
 * @param updatedBy PF or VF, or null if never written
 * @param updatedAt when it was last written, or null
 */
public record BlockView(int vfId, int blockId, int length, String hex, String base64, long version,
		@Schema(nullable = true) Role updatedBy, @Schema(nullable = true) Instant updatedAt) {

	public static BlockView of(ConfigBlock block, int length) {
		byte[] bytes = block.bytes(length);
		return new BlockView(block.vfId(), block.blockId(), length, HexFormat.of().formatHex(bytes),
				Base64.getEncoder().encodeToString(bytes), block.version(), block.updatedBy(), block.updatedAt());
	}

}
