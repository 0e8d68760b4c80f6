package org.vsriov.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The block mask the peer scenario's messages carry, read back from either server's answer. */
class PeerServerTest {

	@Test
	void vsriovsAnswerAndNchansMessageShouldGiveTheirMask() {
		assertThat(PeerServer.blockMask("{\"vfId\":3,\"oid\":\"OID_SRIOV_VF_INVALIDATE_CONFIG_BLOCK\","
				+ "\"blockMask\":\"0x8000000000000021\",\"blocks\":[0,5,63],\"cursor\":\"x\"}"))
			.isEqualTo(0x8000_0000_0000_0021L);
		assertThat(PeerServer.blockMask("{\"blockMask\": \"0x0000000000000004\"}")).isEqualTo(0x4);
	}

	@Test
	void aBodyWithoutAMaskShouldGiveZero() {
		assertThat(PeerServer.blockMask("{\"blocks\":[1]}")).isZero();
		assertThat(PeerServer.blockMask("")).isZero();
	}

}
