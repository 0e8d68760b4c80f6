package org.vsriov.web;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import io.swagger.v3.oas.annotations.media.Schema;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;

/**
 * A JSON block write: the bytes as hex or as base64, exactly one of the two.
 *
 * @param hex the bytes as hex digits, two per byte
 * @param base64 the bytes as standard base64
 */
@Schema(description = "Block data: exactly one of hex or base64", example = "{\"hex\": \"0100ff\"}")
public record BlockData(@Schema(example = "0100ff") String hex, @Schema(example = "AQD/") String base64) {

	/**
	 * The bytes to write.
	 * @throws AdapterException {@link Fault#INVALID_BLOCK_DATA} if both or neither is given, or if the
	 * text does not decode
	 */
	public byte[] bytes() {
		if ((this.hex == null) == (this.base64 == null)) {
			throw new AdapterException(Fault.INVALID_BLOCK_DATA, "give the block data as exactly one of hex or base64");
		}
		try {
			if (this.hex != null) {
				return HexFormat.of().parseHex(this.hex);
			}
			// Java's decoder takes a missing "=" and drops the odd bits: a mistyped value would then write
			// fewer bytes without a word. Padding is required instead.
			if (this.base64.length() % 4 != 0) {
				throw new IllegalArgumentException("not padded");
			}
			return Base64.getDecoder().decode(this.base64);
		}
		catch (IllegalArgumentException ex) {
			String field = (this.hex != null) ? "hex" : "base64";
			String value = (this.hex != null) ? this.hex : this.base64;
			throw new AdapterException(Fault.INVALID_BLOCK_DATA, (this.hex != null)
					? "hex must be an even number of hex digits (0-9, a-f, A-F), two per byte"
					: "base64 must be standard base64 (A-Z, a-z, 0-9, +, /, with = padding)",
					Map.of(field, value));
		}
	}

}
