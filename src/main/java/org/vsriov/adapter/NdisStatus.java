package org.vsriov.adapter;

/**
 * The statuses a PF completes an OID request with (ndis.h), by their NDIS names, which is also how
 * they are written in JSON.
 */
public enum NdisStatus {

	NDIS_STATUS_SUCCESS(0x00000000),
	NDIS_STATUS_FAILURE(0xC0000001),
	NDIS_STATUS_NOT_SUPPORTED(0xC00000BB),
	NDIS_STATUS_INVALID_PARAMETER(0xC000000D),
	NDIS_STATUS_INVALID_LENGTH(0xC0010014);

	private final int code;

	NdisStatus(int code) {
		this.code = code;
	}

	/** The status code, as ndis.h defines it. */
	public int code() {
		return this.code;
	}

}
