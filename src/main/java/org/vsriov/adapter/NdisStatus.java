package org.vsriov.adapter;

/**
 * The statuses a PF completes an OID request with (ndis.h), by their NDIS names, which is also how
 * they are written in JSON.
 */
public enum NdisStatus {

	NDIS_STATUS_SUCCESS,
	NDIS_STATUS_FAILURE,
	NDIS_STATUS_NOT_SUPPORTED,
	NDIS_STATUS_INVALID_PARAMETER,
	NDIS_STATUS_INVALID_LENGTH

}
