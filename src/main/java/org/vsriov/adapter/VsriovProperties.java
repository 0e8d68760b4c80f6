package org.vsriov.adapter;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
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
 * @param http how the HTTP server treats slow, stalled and surplus clients
 * @param blockSource who answers the reads and writes of a VF allocated without saying: vsriov's
 *     store, or a PF agent
 * @param oid how VF reads and writes become OID requests to a PF agent (block source {@code pf})
 * @param journal what the adapter's journal of every operation keeps
 * @param faults how faults put in on purpose draw their chances
 */
@Validated
@ConfigurationProperties("vsriov")
public record VsriovProperties(
		@DefaultValue("64") @Min(1) @Max(65535) int totalVfs,
		@DefaultValue("4") @Min(0) @Max(65535) int initialVfs,
		@DefaultValue("64") @Min(1) @Max(4096) int blockCount,
		@DefaultValue("128") @Min(1) @Max(128) int blockSize,
		@DefaultValue("1024") @Min(1) @Max(1_000_000) int writeLogRetention,
		@DefaultValue @Valid Poll poll,
		@DefaultValue @Valid Http http,
		@DefaultValue("store") BlockSource blockSource,
		@DefaultValue @Valid Oid oid,
		@DefaultValue @Valid JournalSettings journal,
		@DefaultValue @Valid FaultSettings faults) {

	/** Defaults everywhere: what a fresh server runs with (with {@code maxParked} still 0, derived). */
	public static VsriovProperties defaults() {
		return new VsriovProperties(64, 4, 64, 128, 1024, Poll.defaults(), Http.defaults(), BlockSource.STORE,
				Oid.defaults(), JournalSettings.defaults(), FaultSettings.defaults());
	}

	/** These settings with the long polls' adapter-wide bound set, as the service derives it at start. */
	public VsriovProperties withMaxParked(int maxParked) {
		var poll = new Poll(this.poll.defaultTimeout, this.poll.maxTimeout, this.poll.maxWaitersPerVf, maxParked);
		return new VsriovProperties(this.totalVfs, this.initialVfs, this.blockCount, this.blockSize,
				this.writeLogRetention, poll, this.http, this.blockSource, this.oid, this.journal, this.faults);
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
	 * @param maxParked polls that may wait at once over all VFs; one more is refused with 429. 0 (the
	 *     default) derives it from the process's file limit and {@code server.jetty.max-connections}, so
	 *     that connections are always left for the PF side and health (docs/operations.md)
	 */
	public record Poll(
			@DefaultValue("30s") @DurationUnit(ChronoUnit.SECONDS) Duration defaultTimeout,
			@DefaultValue("5m") @DurationUnit(ChronoUnit.SECONDS) Duration maxTimeout,
			@DefaultValue("16") @Min(1) @Max(10_000) int maxWaitersPerVf,
			@DefaultValue("0") @Min(0) @Max(10_000_000) int maxParked) {

		public static Poll defaults() {
			return new Poll(Duration.ofSeconds(30), Duration.ofMinutes(5), 16, 0);
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

	/**
	 * VF reads and writes answered by a PF agent (OID_SRIOV_READ_VF_CONFIG_BLOCK and
	 * OID_SRIOV_WRITE_VF_CONFIG_BLOCK). A bare number means seconds.
	 *
	 * @param timeout how long a VF's read or write waits for the PF to complete its request; then 504
	 *     (NDIS asks a miniport to complete an OID within about 1 s)
	 * @param serialized whether the PF is handed one request at a time, the next only once the
	 *     previous one is completed or has timed out, as NDIS hands OIDs to a miniport; false hands
	 *     over every pending request at once
	 */
	public record Oid(
			@DefaultValue("2s") @DurationUnit(ChronoUnit.SECONDS) Duration timeout,
			@DefaultValue("true") boolean serialized) {

		public static Oid defaults() {
			return new Oid(Duration.ofSeconds(2), true);
		}

		@AssertTrue(message = "vsriov.oid.timeout must be at least 10ms and at most 5m")
		public boolean isTimeoutInRange() {
			return this.timeout.toMillis() >= 10 && this.timeout.compareTo(Duration.ofMinutes(5)) <= 0;
		}

	}

	/**
	 * The journal of every operation of the adapter, for tests to await and assert on.
	 *
	 * @param retention the newest events kept; older ones are dropped as new ones come (a cursor
	 *     before them gets 410). 0 turns the journal off: nothing is recorded
	 */
	public record JournalSettings(@DefaultValue("100000") @Min(0) @Max(10_000_000) int retention) {

		public static JournalSettings defaults() {
			return new JournalSettings(100_000);
		}

	}

	/**
	 * Faults put in on purpose ({@code /api/v1/admin/faults}).
	 *
	 * @param seed where the chances of rules with a {@code probability} below 1 are drawn from: each
	 *     rule draws from its own generator, seeded with this and its id, so a run repeats exactly
	 */
	public record FaultSettings(@DefaultValue("0") long seed) {

		public static FaultSettings defaults() {
			return new FaultSettings(0);
		}

	}

	/**
	 * How the HTTP server treats clients that are slow, stall, or come in numbers
	 * (docs/operations.md). Durations as bare numbers mean seconds.
	 *
	 * @param requestHeadTimeout how long a request may take to arrive once its first byte has: its head
	 *     (and body) must be complete by then, or the connection is closed (slowloris)
	 * @param ioTimeout how long a read or write while a request is handled may make no progress: a
	 *     client that stops reading its answer is cut off after it. A parked poll is not I/O and is
	 *     never cut by it
	 * @param minRequestDataRate the slowest a request body may arrive, per second; 0 (the default)
	 *     for no minimum
	 * @param minResponseDataRate the slowest a client may read an answer, per second; 0 (the default)
	 *     for no minimum. Jetty measures it from an answer's first write, so a small answer whose
	 *     last write comes after a pause (a collection, a busy machine) fails with it: keep it low
	 * @param acceptQueueSize the listen backlog: connections the kernel holds before the server
	 *     accepts them, for bursts (the kernel caps it at {@code net.core.somaxconn})
	 * @param maxBusyRequests requests other than PF commands, long polls and the actuator that are
	 *     handled at once; more wait, and get 503 if they wait longer than {@code ioTimeout}. 0 (the
	 *     default) means half of {@code server.jetty.threads.max}, which keeps the other half for the
	 *     PF side and health
	 * @param maxAdapterReads {@code GET /api/v1/pf} requests handled at once, whose answers list every
	 *     VF; more wait, as above. 0 (the default) means half the CPUs, at least 1, which keeps CPU for
	 *     the PF side and health
	 * @param pfPort a listener of the PF side's own, or null (the default) for none: every operation
	 *     but the VF's, on the address of {@code server.address}, with its own listen backlog and
	 *     threads, so that no number of VF connections keeps a PF agent out; 0 picks a free port
	 */
	public record Http(
			@DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS) Duration requestHeadTimeout,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS) Duration ioTimeout,
			@DefaultValue("0B") DataSize minRequestDataRate,
			@DefaultValue("0B") DataSize minResponseDataRate,
			@DefaultValue("4096") @Min(1) @Max(65535) int acceptQueueSize,
			@DefaultValue("0") @Min(0) @Max(100_000) int maxBusyRequests,
			@DefaultValue("0") @Min(0) @Max(100_000) int maxAdapterReads,
			@Nullable @Min(0) @Max(65535) Integer pfPort) {

		public static Http defaults() {
			return new Http(Duration.ofSeconds(10), Duration.ofSeconds(10), DataSize.ofBytes(0), DataSize.ofBytes(0),
					4096, 0, 0, null);
		}

		@AssertTrue(message = "vsriov.http.request-head-timeout and vsriov.http.io-timeout must be at least 100ms")
		public boolean isTimeoutsInRange() {
			return this.requestHeadTimeout.toMillis() >= 100 && this.ioTimeout.toMillis() >= 100;
		}

		@AssertTrue(message = "vsriov.http.min-request-data-rate and min-response-data-rate must not be negative")
		public boolean isRatesInRange() {
			return !this.minRequestDataRate.isNegative() && !this.minResponseDataRate.isNegative();
		}

	}


}
