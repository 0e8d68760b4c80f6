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
 * @param blockMask "0x" and 1..16 hex digits, a string of decimal digits, or a JSON integer up to 2^53-1
 * @param blocks block ids 0..63, none twice
 */
@Schema(description = "Exactly one of blockMask or blocks")
record InvalidationRequest(
		@Schema(type = "string", pattern = "^(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})$", nullable = true,
				description = "The 64-bit mask, bit i = block i (0..63), not 0: \"0x\" + 1 to 16 hex digits, or "
						+ "decimal digits, as a string (bit 63 is \"0x8000000000000000\"). A JSON integer is also "
						+ "taken, up to 2^53-1 only: larger ones lose precision in JavaScript.",
				example = "0x21") Object blockMask,
		@ArraySchema(schema = @Schema(type = "integer", format = "int32", minimum = "0", maximum = "63"),
				arraySchema = @Schema(nullable = true, description = "Block ids 0..63, none twice; instead of blockMask",
						example = "[0, 5]"),
				uniqueItems = true, minItems = 1) List<Object> blocks) {

	// JSON integers above this lose precision in JavaScript and other IEEE-754 readers: 2^63 arrives
	// as 9223372036854776000, which is another mask.
	private static final BigInteger MAX_SAFE_INTEGER = BigInteger.ONE.shiftLeft(53).subtract(BigInteger.ONE);

	BlockMask toMask() {
		if ((this.blockMask != null) == (this.blocks != null)) {
			throw new AdapterException(Fault.INVALID_BLOCK_MASK, "give exactly one of blockMask or blocks");
		}
		if (this.blockMask != null) {
			if (this.blockMask instanceof String text) {
				return BlockMask.parse(text);
			}
			if (isInteger(this.blockMask)) {
				var value = new BigInteger(this.blockMask.toString());
				if (value.compareTo(MAX_SAFE_INTEGER) > 0) {
					throw new AdapterException(Fault.INVALID_BLOCK_MASK, "a JSON integer blockMask is taken up to "
							+ "2^53-1 (9007199254740991) only, since larger ones lose precision in many clients; send "
							+ "the mask as a string, such as \"0x8000000000000000\" for block 63", Map.of("blockMask", value.toString()));
				}
				return BlockMask.of(value);
			}
			throw new AdapterException(Fault.INVALID_BLOCK_MASK,
					"blockMask must be a string (\"0x21\" or \"33\") or a JSON integer",
					Map.of("blockMask", String.valueOf(this.blockMask)));
		}
		var ids = new ArrayList<Integer>(this.blocks.size());
		for (Object block : this.blocks) {
			if (!(block instanceof Integer id)) {
				throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blocks must be integers 0 to 63");
			}
			ids.add(id);
		}
		return BlockMask.ofBlocks(ids);
	}

	private static boolean isInteger(Object value) {
		return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
	}

}
