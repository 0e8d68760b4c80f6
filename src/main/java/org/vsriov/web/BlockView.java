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
 * @param version 0 if never written; also the block's ETag. Null when the PF answered (block source
 *     {@code pf}): versions belong to vsriov's store
 * @param updatedBy PF or VF, or null if never written
 * @param updatedAt when it was last written, or null
 */
public record BlockView(int vfId, int blockId, int length, String hex, String base64,
		@Schema(nullable = true, description = "The block's version, also its ETag; 0 if never written; null when "
				+ "the PF answered (block source pf)") Long version,
		@Schema(nullable = true) Role updatedBy, @Schema(nullable = true) Instant updatedAt) {

	public static BlockView of(ConfigBlock block, int length) {
		byte[] bytes = block.bytes(length);
		return new BlockView(block.vfId(), block.blockId(), length, HexFormat.of().formatHex(bytes),
				Base64.getEncoder().encodeToString(bytes), block.version(), block.updatedBy(), block.updatedAt());
	}

	/**
	 * Bytes a PF agent answered a VF's read with, or that it accepted for a write (block source
	 * {@code pf}): no version, since vsriov keeps nothing.
	 */
	static BlockView answered(int vfId, int blockId, byte[] bytes, Role by, Instant at) {
		return new BlockView(vfId, blockId, bytes.length, HexFormat.of().formatHex(bytes),
				Base64.getEncoder().encodeToString(bytes), null, by, at);
	}

}
