package org.vsriov.adapter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CursorTest {

	@Test
	void encodeThenParseShouldGiveTheSameCursor() {
		var cursor = new Cursor(Cursor.Stream.BLOCK_WRITES, 65534, -7L, Long.MAX_VALUE);
		assertThat(Cursor.parse(cursor.encode())).isEqualTo(cursor);
	}

	@Test
	void encodeShouldBeUrlSafe() {
		var cursor = new Cursor(Cursor.Stream.INVALIDATIONS, 3, -1L, 1234);
		assertThat(cursor.encode()).matches("[A-Za-z0-9_-]+");
	}

	@Test
	void aChangedCharacterShouldBeRefusedAsInvalid() {
		String text = new Cursor(Cursor.Stream.INVALIDATIONS, 3, 42, 7).encode();
		char last = text.charAt(10);
		String changed = text.substring(0, 10) + ((last == 'A') ? 'B' : 'A') + text.substring(11);
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> Cursor.parse(changed))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_CURSOR));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "abc", "!!!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "0",
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
	void textThatWasNeverACursorShouldBeRefused(String text) {
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> Cursor.parse(text))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_CURSOR));
	}

}
