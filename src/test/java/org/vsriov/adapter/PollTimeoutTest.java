package org.vsriov.adapter;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PollTimeoutTest {

	private final VsriovProperties.Poll settings = VsriovProperties.Poll.defaults();

	@ParameterizedTest
	@CsvSource({ "500ms, PT0.5S", "30s, PT30S", "2m, PT2M", "PT30S, PT30S", "pt1m, PT1M", "45, PT45S", "0, PT0S",
			"5m, PT5M" })
	void parseShouldAcceptEveryDocumentedForm(String text, Duration expected) {
		assertThat(PollTimeout.parse(text, this.settings).duration()).isEqualTo(expected);
	}

	@Test
	void hoursShouldBeAcceptedUpToAnHourLongMaximum() {
		var settings = new VsriovProperties.Poll(Duration.ofSeconds(30), Duration.ofHours(1), 16, 0);
		assertThat(PollTimeout.parse("1h", settings).duration()).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void overTheMaximumShouldSaySo() {
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> PollTimeout.parse("2147483648", this.settings))
			.withMessageContaining("over the maximum of 300s");
	}

	@Test
	void absentTimeoutShouldMeanTheDefault() {
		assertThat(PollTimeout.parse(null, this.settings).duration()).isEqualTo(Duration.ofSeconds(30));
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "1.5", "abc", "10d", "", "5m1s", "PT-1S", "P", "301", "PT6M", "1e3",
			"2147483648", "9999999999999" })
	void parseShouldRefuseMalformedNegativeAndOverMaximum(String text) {
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> PollTimeout.parse(text, this.settings))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_TIMEOUT));
	}

}
