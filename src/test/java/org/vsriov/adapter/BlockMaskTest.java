package org.vsriov.adapter;

import java.math.BigInteger;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BlockMaskTest {

	@Test
	void parseShouldAcceptHexDecimalAndInteger() {
		assertThat(BlockMask.parse("0x21").bits()).isEqualTo(0x21);
		assertThat(BlockMask.parse("0X21").bits()).isEqualTo(0x21);
		assertThat(BlockMask.parse("33").bits()).isEqualTo(0x21);
		assertThat(BlockMask.of(BigInteger.valueOf(33)).bits()).isEqualTo(0x21);
	}

	@Test
	void bit63ShouldParseInEveryFormAndPrintAsSixteenDigits() {
		BlockMask top = BlockMask.parse("0x8000000000000000");
		assertThat(top).isEqualTo(BlockMask.parse("9223372036854775808"))
			.isEqualTo(BlockMask.of(new BigInteger("9223372036854775808")))
			.isEqualTo(BlockMask.ofBlocks(List.of(63)));
		assertThat(top.toHex()).isEqualTo("0x8000000000000000");
		assertThat(top.blocks()).containsExactly(63);
	}

	@Test
	void allOnesShouldBeTheLargestMask() {
		BlockMask all = BlockMask.parse("18446744073709551615");
		assertThat(all).isEqualTo(BlockMask.parse("0xffffffffffffffff"));
		assertThat(all.blocks()).hasSize(64).startsWith(0, 1).endsWith(62, 63);
	}

	@Test
	void toHexShouldPadToSixteenLowercaseDigits() {
		assertThat(BlockMask.parse("0xAB").toHex()).isEqualTo("0x00000000000000ab");
		assertThat(BlockMask.NONE.toHex()).isEqualTo("0x0000000000000000");
		assertThat(BlockMask.NONE.blocks()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "0x0", "0", "0x", "x21", "0x10000000000000000", "18446744073709551616", "-1", "1.5",
			"0x21 ", " 33", "0x-1", "abc", "", "0x00000000000000000", "0xg1", "0xG1", "0x:1", "0x@1", "0x`1", "0x/1", "0x+1", "00x1", "0x\uff11" })
	void parseShouldRefuseAnythingElse(String text) {
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> BlockMask.parse(text))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_BLOCK_MASK));
	}

	@Test
	void ofShouldRefuseNegativeZeroAndOver64Bits() {
		for (String value : List.of("-1", "0", "18446744073709551616")) {
			assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> BlockMask.of(new BigInteger(value)));
		}
	}

	@Test
	void ofBlocksShouldSetOneBitPerBlock() {
		assertThat(BlockMask.ofBlocks(List.of(5, 0, 63)).toHex()).isEqualTo("0x8000000000000021");
	}

	@Test
	void ofBlocksShouldRefuseEmptyOutOfRangeAndDuplicates() {
		for (List<Integer> blocks : List.of(List.<Integer>of(), List.of(64), List.of(-1), List.of(1, 1))) {
			assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> BlockMask.ofBlocks(blocks))
				.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_BLOCK_MASK));
		}
	}

	@Test
	void highestBlockShouldNameTheTopBit() {
		assertThat(BlockMask.parse("0x21").highestBlock()).isEqualTo(5);
		assertThat(BlockMask.NONE.highestBlock()).isEqualTo(-1);
	}

}
