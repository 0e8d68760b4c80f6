package org.vsriov.web;

import org.junit.jupiter.api.Test;
import org.vsriov.VsriovApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** How many polls may park at once, by default and when set: always fewer than the connections. */
class ParkedPollRoomTest {

	@Test
	void defaultShouldLeaveAnEighthOfTheConnectionsAtLeast64() {
		assertThat(AdapterConfiguration.room(20_000, 16_384)).isEqualTo(16_384);
		assertThat(AdapterConfiguration.room(1024, 16_384)).isEqualTo(1024);
		assertThat(AdapterConfiguration.room(1_048_576, -1)).isEqualTo(1_048_576);
		assertThat(AdapterConfiguration.maxParked(16_384)).isEqualTo(14_336);
		assertThat(AdapterConfiguration.maxParked(256)).isEqualTo(192);
		assertThat(AdapterConfiguration.maxParked(10)).isEqualTo(1);
	}

	@Test
	void boundThatLeavesNoConnectionForThePfShouldStopTheStart() {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(VsriovApplication.class)
			.run("--server.port=0", "--server.jetty.max-connections=100", "--vsriov.poll.max-parked=100")
			.close()).withStackTraceContaining("vsriov.poll.max-parked is 100, but only 100 connections can be open");
	}

}
