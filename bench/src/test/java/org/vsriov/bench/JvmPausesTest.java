package org.vsriov.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A JVM's pauses from its safepoint log, and which of the slowest deliveries they held up. */
class JvmPausesTest {

	private static final long MS = 1_000_000L;

	@TempDir
	Path folder;

	// What JDK 17 and 25 write with -Xlog:safepoint:file=...:timenanos, at the end of each safepoint.
	private Path log(String... lines) throws IOException {
		return Files.write(this.folder.resolve("safepoints.log"), List.of(lines));
	}

	@Test
	void pausesOfAMillisecondOrMoreInTheWindowShouldCount() throws IOException {
		var log = log("[" + 100 * MS + "ns] Safepoint \"ParallelCollectForAllocation\", Time since last: 1 ns, "
				+ "Reaching safepoint: 5000 ns, At safepoint: 9000000 ns, Total: " + 9 * MS + " ns",
				"[" + 150 * MS + "ns] Safepoint \"Cleanup\", Time since last: 1 ns, Reaching safepoint: 1 ns, "
						+ "Cleanup: 1 ns, At safepoint: 1 ns, Total: 20000 ns, Threads: 0 runnable, 39 total",
				"[" + 300 * MS + "ns] Safepoint \"SerialCollectForAllocation\", Time since last: 1 ns, Reaching "
						+ "safepoint: 1 ns, At safepoint: 1 ns, Leaving safepoint: 1 ns, Total: " + 12 * MS
						+ " ns, Threads: 0 runnable, 40 total",
				"[" + 900 * MS + "ns] Safepoint \"G1CollectForAllocation\", Total: " + 5 * MS + " ns");
		var pauses = JvmPauses.read(log, 95 * MS, 500 * MS);
		assertThat(pauses.count()).isEqualTo(2);
		assertThat(pauses.longestNanos()).isEqualTo(12 * MS);
		assertThat(pauses.during(80 * MS, 92 * MS)).isTrue();
		assertThat(pauses.during(101 * MS, 287 * MS)).isFalse();
		assertThat(pauses.during(290 * MS, 295 * MS)).isTrue();
	}

	@Test
	void theLogOptionShouldQuoteItsPathForAColon() {
		assertThat(JvmPauses.logOption(Path.of("/a:b c/s.log"))).isEqualTo("-Xlog:safepoint:file=\"/a:b c/s.log\":timenanos");
	}

	@Test
	void noLogShouldMeanNotMeasured() {
		assertThat(JvmPauses.read(null, 0, MS)).isNull();
		assertThat(JvmPauses.read(this.folder.resolve("none.log"), 0, MS)).isNull();
	}

	@Test
	void theSlowestDeliveriesShouldBeCountedAtThePausesTheyMet() throws IOException {
		var ledger = new MessageLedger(1);
		ledger.measure(0, 1_000 * MS);
		// 99 messages delivered 1 ms after they were due, then one held up 20 ms by a pause at 500 ms.
		for (int i = 0; i < 99; i++) {
			var message = ledger.publish(0, i * 2 * MS);
			ledger.delivered(0, message.mask, i * 2 * MS + MS);
		}
		var held = ledger.publish(0, 495 * MS);
		ledger.delivered(0, held.mask, 515 * MS);
		var server = JvmPauses.read(log("[" + 514 * MS + "ns] Safepoint \"ParallelCollectForAllocation\", Total: "
				+ 18 * MS + " ns"), 0, 1_000 * MS);
		var slow = ledger.slowOnes(server, null);
		assertThat(slow.slowest()).isEqualTo(1);
		assertThat(slow.atServerPause()).isEqualTo(1);
		assertThat(slow.atGeneratorPause()).isZero();
		assertThat(slow.atEitherPause()).isEqualTo(1);
		assertThat(slow.p99WithoutPauses()).isCloseTo(1.0, within(0.01));
	}

}
