package org.vsriov.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DecimalIdsTest {

	@ParameterizedTest
	@CsvSource({ "0, 0", "7, 7", "007, 7", "0000000009, 9", "2147483647, 2147483647" })
	void takesOneToTenAsciiDigitsThatFitAnInt(String text, int value) {
		assertThat(DecimalIds.parse(text)).isEqualTo(value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "2147483648", "9999999999", "00000000001", "-1", "+3", " 3", "3 ", "0x10", "1e3",
			"3.0", "\u0663", "\uff11", "/", ":" })
	void refusesEverythingElse(String text) {
		assertThat(DecimalIds.parse(text)).isNull();
	}

}
