package org.vsriov.adapter;

import java.time.Instant;
import java.util.Arrays;

/**
 * A VF's read or write of a config block, as the OID request it becomes to the PF miniport when the
 * VF's block source is {@link BlockSource#PF}. Immutable; {@link OidRequests} keeps which ones are
 * still pending.
 *
 * @param requestId unique while the service runs, increasing in the order the requests were made
 * @param kind a read or a write
 * @param vfId the VF that made it
 * @param blockId the block it reads or writes
 * @param length the bytes asked for (a read) or written (a write)
 * @param data a write's bytes; empty for a read
 * @param at when the VF made it
 */
public record OidRequest(long requestId, Kind kind, int vfId, int blockId, int length, byte[] data, Instant at) {

	/** The two OIDs a VF's transfers become. */
	public enum Kind {

		/** NdisMReadConfigBlock, a method request. */
		READ("OID_SRIOV_READ_VF_CONFIG_BLOCK", 0x00010253),
		/** NdisMWriteConfigBlock, a set request. */
		WRITE("OID_SRIOV_WRITE_VF_CONFIG_BLOCK", 0x00010254);

		private final String oid;

		private final int code;

		Kind(String oid, int code) {
			this.oid = oid;
			this.code = code;
		}

		/** The OID's name in ntddndis.h. */
		public String oid() {
			return this.oid;
		}

		/** The OID's code in ntddndis.h. */
		public int code() {
			return this.code;
		}

	}

	public OidRequest {
		data = data.clone();
	}

	@Override
	public byte[] data() {
		return this.data.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof OidRequest that && this.requestId == that.requestId;
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.requestId);
	}

	@Override
	public String toString() {
		return "OidRequest[" + this.requestId + " " + this.kind.oid + " VF " + this.vfId + " block " + this.blockId
				+ " length " + this.length + " data " + Arrays.toString(this.data) + "]";
	}

}
