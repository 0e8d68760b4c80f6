package org.vsriov.pf;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.BlockMask;
import org.vsriov.adapter.Fault;

/**
 * The body of an invalidation: a {@code blockMask} in any accepted form, or a {@code blocks} list;
 * exactly one of the two. Both bind as plain JSON values so that each form can be checked here, with
 * one error type, rather than coerced by the JSON binder (which would turn 1.5 into 1).
 *
 * @param blockMask "0x" and 1..16 hex digits, a string of decimal digits, or a JSON integer
 * @param blocks block ids 0..63, none twice
 */
@Schema(description = "Exactly one of blockMask or blocks")
record InvalidationRequest(
		@Schema(description = "\"0x\" + 1..16 hex digits, a decimal string, or a JSON integer; unsigned 64-bit, not 0",
				oneOf = { String.class, Long.class }, example = "0x21") Object blockMask,
		@ArraySchema(schema = @Schema(type = "integer", minimum = "0", maximum = "63"), uniqueItems = true,
				minItems = 1) List<Object> blocks) {

	BlockMask toMask() {
		if ((this.blockMask != null) == (this.blocks != null)) {
			throw new AdapterException(Fault.INVALID_BLOCK_MASK, "give exactly one of blockMask or blocks");
		}
		if (this.blockMask != null) {
			if (this.blockMask instanceof String text) {
				return BlockMask.parse(text);
			}
			if (isInteger(this.blockMask)) {
				return BlockMask.of(new BigInteger(this.blockMask.toString()));
			}
			throw new AdapterException(Fault.INVALID_BLOCK_MASK,
					"blockMask must be a string (\"0x21\" or \"33\") or a JSON integer",
					Map.of("blockMask", String.valueOf(this.blockMask)));
		}
		var ids = new ArrayList<Integer>(this.blocks.size());
		for (Object block : this.blocks) {
			if (!(block instanceof Integer id)) {
				throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blocks must be integers 0 to 63",
						Map.of("blocks", String.valueOf(this.blocks)));
			}
			ids.add(id);
		}
		return BlockMask.ofBlocks(ids);
	}

	private static boolean isInteger(Object value) {
		return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
	}

}
