package org.vsriov.bench;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The attackers' reports must reach the benchmark whole, whatever else their processes print. */
class AttackReportTest {

	@Test
	void reportShouldSurviveItsOwnLine() {
		var report = new AttackReport(Map.of("status 204", 4_998L, "connect refused", 2L), List.of(1_200L, 15L),
				List.of(3L));
		assertThat(AttackReport.parse(report.toJson())).contains(report);
	}

	@Test
	void otherLinesShouldBeNoReport() {
		assertThat(AttackReport.parse(AttackReport.READY)).isEmpty();
		assertThat(AttackReport.parse("OpenJDK 64-Bit Server VM warning: something")).isEmpty();
		assertThat(AttackReport.parse("{not json")).isEmpty();
	}

	@Test
	void reportsOfAnAttacksProcessesShouldAddUp() {
		var first = new AttackReport(Map.of("status 204", 10L, "status 429", 2L, "loop lag max ms", 40L), List.of(5L),
				List.of(1L, 2L));
		var second = new AttackReport(Map.of("status 204", 3L, "closed without an answer", 1L, "loop lag max ms", 7L),
				List.of(7L), List.of());
		var merged = AttackReport.merge(List.of(first, second));
		assertThat(merged.count("status 204")).isEqualTo(13);
		assertThat(merged.count("status 503")).isZero();
		assertThat(merged.sum("status ")).isEqualTo(15);
		assertThat(merged.count("loop lag max ms")).isEqualTo(40);
		assertThat(merged.closeMillis()).containsExactly(5L, 7L);
		assertThat(merged.connectMillis()).containsExactly(1L, 2L);
	}

	@Test
	void percentilesShouldBeNearestRank() {
		var values = List.of(40L, 10L, 30L, 20L);
		assertThat(AttackReport.percentile(values, 0)).isEqualTo(10);
		assertThat(AttackReport.percentile(values, 50)).isEqualTo(20);
		assertThat(AttackReport.percentile(values, 100)).isEqualTo(40);
		assertThat(AttackReport.percentile(List.of(), 50)).isZero();
	}

}
