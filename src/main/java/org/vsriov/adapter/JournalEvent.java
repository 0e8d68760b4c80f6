package org.vsriov.adapter;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * One operation of the adapter, as the journal keeps it. Members that do not apply to the
 * operation are null.
 *
 * @param seq its place in the journal: 1 for the first event of a run, one more for each after
 * @param at when it happened
 * @param role who did it: the PF, a VF, or the test instrument (a fault)
 * @param op what was done
 * @param vfId the VF it concerns
 * @param blockId the block it concerns
 * @param mask an invalidation's mask, or the bits a poll was delivered
 * @param length the bytes read or written
 * @param version the block's version after a write, or the version read (vsriov's store only)
 * @param status how it ended, if not simply done: an NDIS status, or the slug of a problem
 * @param cursor the cursor after a delivery or a timed-out poll
 * @param requestId the OID request it belongs to
 * @param faultId the fault rule that fired
 * @param action what that rule did
 */
public record JournalEvent(long seq, Instant at, Party role, Op op, @Nullable Integer vfId, @Nullable Integer blockId,
		@Nullable BlockMask mask, @Nullable Integer length, @Nullable Long version, @Nullable String status,
		@Nullable Cursor cursor, @Nullable Long requestId, @Nullable Long faultId, @Nullable String action) {

	/** Who did an operation. */
	public enum Party {

		PF, VF, ADMIN

	}

	/** The operations the journal records, with their names in the API. */
	public enum Op {

		ALLOCATE, FREE, RESET, INVALIDATE, DELIVER, POLL_TIMEOUT, READ, WRITE, OID_REQUEST, OID_COMPLETE, FAULT;

		private final String slug = name().toLowerCase().replace('_', '-');

		@JsonValue
		public String slug() {
			return this.slug;
		}

		/** The operation of a name in the API, or null. */
		public static @Nullable Op of(String slug) {
			for (Op op : values()) {
				if (op.slug.equals(slug)) {
					return op;
				}
			}
			return null;
		}

	}

	/** The party of a block's reader or writer. */
	static Party party(Role role) {
		return (role == Role.PF) ? Party.PF : Party.VF;
	}

	/** An event before the journal gives it its place and time. */
	public static JournalEvent of(Party role, Op op, @Nullable Integer vfId) {
		return new JournalEvent(0, Instant.EPOCH, role, op, vfId, null, null, null, null, null, null, null, null, null);
	}

	/** A block read or write before the journal gives it its place and time. */
	static JournalEvent transfer(Party role, Op op, int vfId, int blockId, int length) {
		return new JournalEvent(0, Instant.EPOCH, role, op, vfId, blockId, null, length, null, null, null, null, null,
				null);
	}

	JournalEvent at(long seq, Instant at) {
		return new JournalEvent(seq, at, this.role, this.op, this.vfId, this.blockId, this.mask, this.length,
				this.version, this.status, this.cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent block(int blockId) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, blockId, this.mask, this.length,
				this.version, this.status, this.cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent mask(BlockMask mask) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, mask, this.length,
				this.version, this.status, this.cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent length(int length) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, this.mask, length,
				this.version, this.status, this.cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent version(long version) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, this.mask, this.length,
				version, this.status, this.cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent status(String status) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, this.mask, this.length,
				this.version, status, this.cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent cursor(Cursor cursor) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, this.mask, this.length,
				this.version, this.status, cursor, this.requestId, this.faultId, this.action);
	}

	public JournalEvent request(long requestId) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, this.mask, this.length,
				this.version, this.status, this.cursor, requestId, this.faultId, this.action);
	}

	public JournalEvent fault(long faultId, String action) {
		return new JournalEvent(this.seq, this.at, this.role, this.op, this.vfId, this.blockId, this.mask, this.length,
				this.version, this.status, this.cursor, this.requestId, faultId, action);
	}

}
