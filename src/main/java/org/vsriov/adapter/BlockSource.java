package org.vsriov.adapter;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Who answers a VF's reads and writes of its config blocks: vsriov's own store, or a PF agent, to
 * which each becomes an OID request, as on a real host (API.md, "PF-answered blocks").
 */
public enum BlockSource {

	/** vsriov keeps the blocks and answers from them. */
	@JsonProperty("store")
	STORE,
	/** A PF agent answers every read and write: OID_SRIOV_READ_VF_CONFIG_BLOCK and OID_SRIOV_WRITE_VF_CONFIG_BLOCK. */
	@JsonProperty("pf")
	PF

}
