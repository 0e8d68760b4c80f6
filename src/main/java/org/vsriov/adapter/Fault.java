package org.vsriov.adapter;

/**
 * Every way the adapter refuses a request. The web layer gives each one its HTTP status, title and
 * problem type; the adapter only names it.
 */
public enum Fault {

	/** A request field, header or parameter that is not well-formed. */
	MALFORMED_REQUEST,
	/** A VF id outside 0..totalVfs-1 (NDIS_STATUS_INVALID_PARAMETER). */
	INVALID_VF_ID,
	/** A VF id in range whose VF is not allocated. */
	VF_NOT_FOUND,
	/** A block id that is negative or not a number. */
	INVALID_BLOCK_ID,
	/** A block id at or past blockCount: the PF does not define it. */
	BLOCK_NOT_FOUND,
	/** A block mask that is 0, over 64 bits, or names a block that cannot be invalidated. */
	INVALID_BLOCK_MASK,
	/** Block data that is empty or cannot be decoded. */
	INVALID_BLOCK_DATA,
	/** Block data longer than blockSize. */
	BLOCK_DATA_TOO_LARGE,
	/** A read length outside 1..blockSize. */
	INVALID_LENGTH,
	/** A long-poll timeout that is not a duration or is over the configured maximum. */
	INVALID_TIMEOUT,
	/** A cursor that this service never issued for this VF and stream. */
	INVALID_CURSOR,
	/** A cursor from an earlier life of the VF or of the service. */
	STALE_CURSOR,
	/** An If-Match that no longer matches the block's version. */
	VERSION_MISMATCH,
	/** An allocation of a VF that is allocated already. */
	VF_ALLOCATED,
	/** An allocation while every VF is allocated. */
	NO_FREE_VF,
	/** The VF was freed while the request waited (OID_NIC_SWITCH_FREE_VF). */
	VF_GONE,
	/** The VF was reset while the request waited (OID_SRIOV_RESET_VF). */
	VF_RESET,
	/** A poll that would wait while the adapter-wide bound on parked polls is reached. */
	TOO_MANY_POLLS,
	/** A poll that would wait while the service is stopping. */
	SERVICE_STOPPING,
	/** The PF failed the OID request of a VF's read or write (block source pf). */
	PF_FAILED,
	/** The PF did not complete the OID request of a VF's read or write in time (vsriov.oid.timeout). */
	PF_TIMEOUT,
	/** A completion for an OID request that has already ended: completed, timed out, or ended by a free or reset. */
	OID_REQUEST_ENDED,
	/** A completion for an OID request this service never made. */
	OID_REQUEST_NOT_FOUND,
	/** A fault rule that is not in force: never made, or removed. */
	FAULT_RULE_NOT_FOUND

}
