package org.vsriov.pf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.Fault;
import tools.jackson.databind.JsonNode;

/**
 * The body of an invalidation: a {@code blockMask} in any accepted form, or a {@code blocks} list;
 * exactly one of the two.
 *
 * @param blockMask "0x" and 1..16 hex digits, a string of decimal digits, or a JSON integer
 * @param blocks block ids 0..63, none twice
 */
@Schema(description = "Exactly one of blockMask or blocks")
record InvalidationRequest(
		@Schema(description = "\"0x\" + 1..16 hex digits, a decimal string, or a JSON integer; unsigned 64-bit, not 0",
				oneOf = { String.class, Long.class }, example = "0x21") JsonNode blockMask,
		@ArraySchema(schema = @Schema(minimum = "0", maximum = "63"), uniqueItems = true, minItems = 1,
				arraySchema = @Schema(example = "[0, 5]")) List<JsonNode> blocks) {

	BlockMask toMask() {
		boolean hasMask = this.blockMask != null && !this.blockMask.isNull();
		if (hasMask == (this.blocks != null)) {
			throw new AdapterException(Fault.INVALID_BLOCK_MASK, "give exactly one of blockMask or blocks");
		}
		if (hasMask) {
			if (this.blockMask.isString()) {
				return BlockMask.parse(this.blockMask.stringValue());
			}
			if (this.blockMask.isIntegralNumber()) {
				return BlockMask.of(this.blockMask.bigIntegerValue());
			}
			throw new AdapterException(Fault.INVALID_BLOCK_MASK,
					"blockMask must be a string (\"0x21\" or \"33\") or a JSON integer",
					Map.of("blockMask", this.blockMask.toString()));
		}
		var ids = new ArrayList<Integer>(this.blocks.size());
		for (JsonNode block : this.blocks) {
			if (block == null || !block.isIntegralNumber() || !block.canConvertToInt()) {
				throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blocks must be integers 0 to 63",
						Map.of("blocks", this.blocks.toString()));
			}
			ids.add(block.intValue());
		}
		return BlockMask.ofBlocks(ids);
	}

}
