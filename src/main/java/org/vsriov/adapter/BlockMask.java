package org.vsriov.adapter;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The 64-bit mask of NdisMInvalidateConfigBlock: bit i stands for config block i, for blocks 0..63
 * only, bit 63 included. Parses every input form of the API and prints the one output form.
 *
 * @param bits the mask, read as an unsigned 64-bit value
 */
public record BlockMask(long bits) {

	/** The empty mask: nothing pending. */
	public static final BlockMask NONE = new BlockMask(0);

	/** Blocks 0..63: the mask's width. */
	public static final int WIDTH = Long.SIZE;

	private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}");

	private static final BigInteger MAX = BigInteger.ONE.shiftLeft(WIDTH).subtract(BigInteger.ONE);

	/**
	 * Reads a mask given as a string: {@code "0x"} and 1..16 hex digits, or decimal digits.
	 * @throws AdapterException {@link Fault#INVALID_BLOCK_MASK} for anything else, over 2^64-1, or 0
	 */
	public static BlockMask parse(String text) {
		if (isHex(text)) {
			return nonZero(Long.parseUnsignedLong(text, 2, text.length(), 16), text);
		}
		if (DECIMAL.matcher(text).matches()) {
			return of(new BigInteger(text));
		}
		throw invalid("blockMask must be \"0x\" and 1 to 16 hex digits, decimal digits, or a JSON integer",
				text);
	}

	/**
	 * Whether a text is "0x" (or "0X") and 1 to 16 ASCII hex digits: checked by hand, not by a regular
	 * expression, since every PF invalidation's mask comes this way (a matcher and a substring each,
	 * before: docs/decisions/0018).
	 */
	private static boolean isHex(String text) {
		int length = text.length();
		if (length < 3 || length > 18 || text.charAt(0) != '0' || (text.charAt(1) != 'x' && text.charAt(1) != 'X')) {
			return false;
		}
		for (int i = 2; i < length; i++) {
			char c = text.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Reads a mask given as a number.
	 * @throws AdapterException {@link Fault#INVALID_BLOCK_MASK} if negative, over 2^64-1, or 0
	 */
	public static BlockMask of(BigInteger value) {
		if (value.signum() < 0 || value.compareTo(MAX) > 0) {
			throw invalid("blockMask must be an unsigned 64-bit value (0x1 to 0xffffffffffffffff)",
					value.toString());
		}
		return nonZero(value.longValue(), value.toString());
	}

	/**
	 * Builds a mask from block ids, each 0..63, none twice, at least one.
	 * @throws AdapterException {@link Fault#INVALID_BLOCK_MASK} otherwise
	 */
	public static BlockMask ofBlocks(List<Integer> blocks) {
		if (blocks.isEmpty()) {
			throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blocks must name at least one block",
					Map.of("blocks", blocks));
		}
		var seen = new HashSet<Integer>();
		long bits = 0;
		for (Integer block : blocks) {
			if (block == null || block < 0 || block >= WIDTH) {
				throw new AdapterException(Fault.INVALID_BLOCK_MASK,
						"blocks may only name blocks 0 to 63, got " + block, Map.of("blocks", blocks));
			}
			if (!seen.add(block)) {
				throw new AdapterException(Fault.INVALID_BLOCK_MASK, "blocks names block " + block + " twice",
						Map.of("blocks", blocks));
			}
			bits |= 1L << block;
		}
		return new BlockMask(bits);
	}

	/** The highest block this mask names, or -1 for the empty mask. */
	public int highestBlock() {
		return WIDTH - 1 - Long.numberOfLeadingZeros(this.bits);
	}

	/** {@code "0x"} and exactly 16 lowercase hex digits. */
	public String toHex() {
		return "0x" + HexFormat.of().toHexDigits(this.bits);
	}

	/** The set bit positions, ascending. */
	public List<Integer> blocks() {
		var blocks = new ArrayList<Integer>(Long.bitCount(this.bits));
		for (long rest = this.bits; rest != 0; rest &= rest - 1) {
			blocks.add(Long.numberOfTrailingZeros(rest));
		}
		return blocks;
	}

	@Override
	public String toString() {
		return toHex();
	}

	private static BlockMask nonZero(long bits, String text) {
		if (bits == 0) {
			throw invalid("blockMask must name at least one block; 0 invalidates nothing", text);
		}
		return new BlockMask(bits);
	}

	private static AdapterException invalid(String detail, String text) {
		return new AdapterException(Fault.INVALID_BLOCK_MASK, detail, Map.of("blockMask", text));
	}

}
