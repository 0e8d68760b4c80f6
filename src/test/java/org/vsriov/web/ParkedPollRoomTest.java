package org.vsriov.web;

import org.junit.jupiter.api.Test;
import org.vsriov.VsriovApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** How many polls may park at once, by default and when set: always fewer than the connections. */
class ParkedPollRoomTest {

	@Test
	void defaultShouldLeaveAnEighthOfTheConnectionsAtLeast64AndTwoThirdsOfTheHeap() {
		assertThat(AdapterConfiguration.room(20_000, 16_384)).isEqualTo(16_384);
		assertThat(AdapterConfiguration.room(1024, 16_384)).isEqualTo(1024);
		assertThat(AdapterConfiguration.room(1_048_576, -1)).isEqualTo(1_048_576);
		long gib = 1L << 30;
		assertThat(AdapterConfiguration.maxParked(16_384, 6 * gib)).isEqualTo(14_336);
		assertThat(AdapterConfiguration.maxParked(256, 6 * gib)).isEqualTo(192);
		assertThat(AdapterConfiguration.maxParked(10, 6 * gib)).isEqualTo(1);
		// -Xmx280m, as the benchmark runs it: a third of it at 10 KB a poll.
		assertThat(AdapterConfiguration.maxParked(16_384, 280L << 20)).isEqualTo(9_557);
	}

	@Test
	void boundThatLeavesNoConnectionForThePfShouldStopTheStart() {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(VsriovApplication.class)
			.run("--server.port=0", "--server.jetty.max-connections=100", "--vsriov.poll.max-parked=100")
			.close()).withStackTraceContaining("vsriov.poll.max-parked is 100, but only 100 connections can be open");
	}

}
