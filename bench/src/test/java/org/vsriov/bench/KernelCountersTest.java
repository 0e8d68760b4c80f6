package org.vsriov.bench;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc/net/netstat read under nstat's names. */
class KernelCountersTest {

	@Test
	void pairsOfLinesShouldBecomeNamedCounters() {
		var counters = KernelCounters.parse(List.of("TcpExt: SyncookiesSent ListenOverflows ListenDrops",
				"TcpExt: 16 274 275", "IpExt: InNoRoutes", "IpExt: 0"));
		assertThat(counters).containsEntry("TcpExtListenOverflows", 274L)
			.containsEntry("TcpExtListenDrops", 275L)
			.containsEntry("IpExtInNoRoutes", 0L);
	}

	@Test
	void growthShouldBeMinusOneForACounterTheKernelLacks() {
		var before = Map.of("TcpExtListenOverflows", 274L);
		var after = Map.of("TcpExtListenOverflows", 390L);
		assertThat(KernelCounters.growth(before, after, "TcpExtListenOverflows")).isEqualTo(116);
		assertThat(KernelCounters.growth(Map.of(), Map.of(), "TcpExtListenOverflows")).isEqualTo(-1);
	}

}
