package org.vsriov.adapter;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.validation.annotation.Validated;

/**
 * The shape of the virtual adapter, bound from {@code vsriov.*} and checked at start, so a bad
 * setting stops the service with the property's name instead of misbehaving later.
 *
 * @param totalVfs the SR-IOV TotalVFs: VF ids run 0..totalVfs-1 (1..65535)
 * @param initialVfs VFs 0..initialVfs-1 are allocated at start (0..totalVfs)
 * @param blockCount config block ids run 0..blockCount-1 (1..4096); only 0..63 can be invalidated
 * @param blockSize the largest block transfer in bytes (1..128, the VPCI maximum)
 * @param writeLogRetention VF block writes kept per VF for the PF to read (at least 1)
 * @param poll the long-poll settings
 */
@Validated
@ConfigurationProperties("vsriov")
public record VsriovProperties(
		@DefaultValue("64") @Min(1) @Max(65535) int totalVfs,
		@DefaultValue("4") @Min(0) @Max(65535) int initialVfs,
		@DefaultValue("64") @Min(1) @Max(4096) int blockCount,
		@DefaultValue("128") @Min(1) @Max(128) int blockSize,
		@DefaultValue("1024") @Min(1) @Max(1_000_000) int writeLogRetention,
		@DefaultValue @Valid Poll poll) {

	/** Defaults everywhere: what a fresh server runs with. */
	public static VsriovProperties defaults() {
		return new VsriovProperties(64, 4, 64, 128, 1024, Poll.defaults());
	}

	@AssertTrue(message = "vsriov.initial-vfs must not exceed vsriov.total-vfs")
	public boolean isInitialVfsWithinTotal() {
		return this.initialVfs <= this.totalVfs;
	}

	/**
	 * Long-poll settings, shared by every long poll. A bare number means seconds, as in a poll's
	 * {@code timeout}.
	 *
	 * @param defaultTimeout the wait when a poll gives no {@code timeout}
	 * @param maxTimeout the longest wait a poll may ask for
	 * @param maxWaitersPerVf polls that may wait on one VF at once; one more supersedes the oldest, which is answered 204
	 */
	public record Poll(
			@DefaultValue("30s") @DurationUnit(ChronoUnit.SECONDS) Duration defaultTimeout,
			@DefaultValue("5m") @DurationUnit(ChronoUnit.SECONDS) Duration maxTimeout,
			@DefaultValue("16") @Min(1) @Max(10_000) int maxWaitersPerVf) {

		public static Poll defaults() {
			return new Poll(Duration.ofSeconds(30), Duration.ofMinutes(5), 16);
		}

		@AssertTrue(message = "vsriov.poll.max-timeout must be positive and at most 1h")
		public boolean isMaxTimeoutInRange() {
			return this.maxTimeout.compareTo(Duration.ZERO) > 0 && this.maxTimeout.compareTo(Duration.ofHours(1)) <= 0;
		}

		@AssertTrue(message = "vsriov.poll.default-timeout must be positive and at most vsriov.poll.max-timeout")
		public boolean isDefaultTimeoutInRange() {
			return this.defaultTimeout.compareTo(Duration.ZERO) > 0 && this.defaultTimeout.compareTo(this.maxTimeout) <= 0;
		}

	}

}
