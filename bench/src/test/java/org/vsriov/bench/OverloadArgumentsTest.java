package org.vsriov.bench;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the overload scenario splits its attacks over processes, reads the server's timings, and is
 * told where the probe's health requests go.
 */
class OverloadArgumentsTest {

	@Test
	void anAttackShouldBeSplitEvenlyWithEachProcessesFirstIndex() {
		var args = OverloadScenario.split(10, 4, (from, count) -> List.of(from + "+" + count));
		assertThat(args).containsExactly(List.of("0+3"), List.of("3+3"), List.of("6+2"), List.of("8+2"));
	}

	@Test
	void pollTimeoutsShouldBeReadAsTheApiWritesThem() {
		assertThat(VfPollers.duration("30s")).isEqualTo(Duration.ofSeconds(30));
		assertThat(VfPollers.duration("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(VfPollers.duration("5m")).isEqualTo(Duration.ofMinutes(5));
		assertThat(VfPollers.duration("7")).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void healthShouldStayOnTheMainPortUnlessAManagementPortIsAsked() {
		assertThat(Options.parse(new String[] { "--server-jar", "vsriov.jar" }).managementPort()).isFalse();
		var options = Options.parse(new String[] { "--server-jar", "vsriov.jar", "--management-port", "--only", "overload" });
		assertThat(options.managementPort()).isTrue();
		assertThat(options.asBuilt().managementPort()).isTrue();
	}

	@Test
	void retryAfterShouldBeItsSecondsOrOne() {
		assertThat(VfPollers.retryAfterSeconds(new Response(429, null, "", 0, "3"))).isEqualTo(3);
		assertThat(VfPollers.retryAfterSeconds(new Response(429, null, "", 0, null))).isEqualTo(1);
		assertThat(VfPollers.retryAfterSeconds(new Response(503, null, "", 0, "Wed, 21 Oct 2026 07:28:00 GMT")))
			.isEqualTo(1);
	}

}
