package org.vsriov.adapter;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A fault put in on purpose: which step it acts on, narrowed by VF and block, what it does, and how
 * often.
 *
 * @param id its id, from 1 in the order rules are made
 * @param on the step it acts on
 * @param vfId the VF it is narrowed to, or null for any
 * @param blockId the block it is narrowed to, or null for any (a delivery or an invalidation matches
 *     when its mask holds the block)
 * @param action what it does
 * @param status the NDIS status of a {@code fail}
 * @param delay the wait of a {@code delay}
 * @param length the bytes a {@code short-read} leaves
 * @param times how often it fires, or null for as long as it is there
 * @param probability the chance that it fires when it matches, drawn from its own seeded generator
 */
public record FaultRule(long id, On on, @Nullable Integer vfId, @Nullable Integer blockId, Action action,
		@Nullable NdisStatus status, @Nullable Duration delay, @Nullable Integer length, @Nullable Integer times,
		double probability) {

	/** The steps a rule acts on. */
	public enum On {

		VF_READ, VF_WRITE, DELIVERY, INVALIDATION, OID_REQUEST;

		private final String slug = name().toLowerCase().replace('_', '-');

		@JsonValue
		public String slug() {
			return this.slug;
		}

	}

	/** What a rule does when it fires. */
	public enum Action {

		FAIL, DELAY, DROP, SHORT_READ, RESET_VF, FREE_VF;

		private final String slug = name().toLowerCase().replace('_', '-');

		@JsonValue
		public String slug() {
			return this.slug;
		}

	}

	/** The rule with its id. */
	FaultRule withId(long id) {
		return new FaultRule(id, this.on, this.vfId, this.blockId, this.action, this.status, this.delay, this.length,
				this.times, this.probability);
	}

	/**
	 * Whether it acts on a step of this VF and block, or of a mask holding its block. A short read
	 * acts only on a read of more bytes than it leaves.
	 * @param stepLength the bytes a read asks for, or -1 if not known
	 */
	boolean matches(On step, int stepVf, int stepBlock, @Nullable BlockMask mask, int stepLength) {
		if (step != this.on || (this.vfId != null && this.vfId != stepVf)) {
			return false;
		}
		if (this.action == Action.SHORT_READ && stepLength >= 0 && stepLength <= this.length) {
			return false;
		}
		if (this.blockId == null) {
			return true;
		}
		if (mask != null) {
			return this.blockId < BlockMask.WIDTH && (mask.bits() & (1L << this.blockId)) != 0;
		}
		return this.blockId == stepBlock;
	}

}
