package org.vsriov.bench;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * What the PF invalidated and what each VF's poller received, checked as API.md promises while the
 * benchmark measures. Masks in flight to one VF never share a bit (the load picks its random masks
 * from the VF's free bits), so every delivered bit belongs to exactly one invalidation:
 * <ul>
 * <li>an invalidation's bits arrive together (coalescing merges whole invalidations);</li>
 * <li>a poll sent after an invalidation's 202 carries it (the news already exists: the answer is
 * immediate), and a 204 must not leave it behind;</li>
 * <li>no delivered bit is one nobody sent, or one delivered before (a poll with the last cursor
 * gets only what is newer);</li>
 * <li>at the end nothing is left undelivered: that is loss.</li>
 * </ul>
 * Latency runs from the moment the load meant to send (its schedule, so a late sender counts
 * against the figure) to the moment the VF agent had read the delivery. Lives on the event loop.
 */
final class Ledger {

	private static final int KEPT_ERRORS = 10;

	private final List<List<Pending>> pending = new ArrayList<>();

	private final long[] inFlightBits;

	private final List<String> errors = new ArrayList<>();

	private long errorCount;

	private Histogram latencyMicros = newHistogram();

	private long measureFrom = Long.MAX_VALUE;

	private long invalidations;

	private long delivered;

	private long deliveries;

	private long outstanding;

	// Outstanding invalidations whose request went unanswered: they may or may not have been applied.
	private long uncertain;

	Ledger(int vfs) {
		this.inFlightBits = new long[vfs];
		for (int vf = 0; vf < vfs; vf++) {
			this.pending.add(new ArrayList<>(2));
		}
	}

	private static Histogram newHistogram() {
		return new Histogram(60_000_000L, 3);
	}

	/** The bits of the VF that no undelivered invalidation holds. */
	long freeBits(int vf) {
		return ~this.inFlightBits[vf];
	}

	/** Records an invalidation about to be sent; {@link Pending#accepted} marks its 202. */
	Pending invalidated(int vf, long mask, long intendedNanos) {
		if ((this.inFlightBits[vf] & mask) != 0 || mask == 0) {
			throw new IllegalArgumentException("mask " + Long.toHexString(mask) + " overlaps bits in flight to VF " + vf);
		}
		var invalidation = new Pending(vf, mask, intendedNanos);
		this.pending.get(vf).add(invalidation);
		this.inFlightBits[vf] |= mask;
		this.outstanding++;
		if (intendedNanos >= this.measureFrom) {
			this.invalidations++;
		}
		return invalidation;
	}

	/** The invalidation was refused or lost in transit: the run fails, and nothing is expected of it. */
	void refused(Pending invalidation, String why) {
		error("invalidation of VF " + invalidation.vf + " failed: " + why);
		forget(invalidation);
	}

	/**
	 * The invalidation was answered with another status than 202: it changed nothing (API.md), so
	 * nothing is expected of it and no error is recorded (an overloaded server may refuse work).
	 */
	void declined(Pending invalidation) {
		forget(invalidation);
	}

	/**
	 * The invalidation's request got no answer: the server may or may not have applied it. Its bits
	 * stay reserved, may still arrive, and are not loss if they never do.
	 */
	void unanswered(Pending invalidation) {
		if (!invalidation.uncertain) {
			invalidation.uncertain = true;
			this.uncertain++;
		}
	}

	/** A 200 on the VF's poll that was sent at {@code pollSentNanos}. */
	void delivered(int vf, long mask, long pollSentNanos, long receivedNanos) {
		long explained = 0;
		boolean measured = false;
		var waiting = this.pending.get(vf);
		for (int i = 0; i < waiting.size(); i++) {
			var invalidation = waiting.get(i);
			if ((invalidation.mask & mask) == 0) {
				mustNotBeMissing(invalidation, pollSentNanos, "a 200");
				continue;
			}
			if ((invalidation.mask & ~mask) != 0) {
				error("VF " + vf + " got part of an invalidation: " + hex(mask) + " of " + hex(invalidation.mask));
			}
			explained |= invalidation.mask;
			if (invalidation.intendedNanos >= this.measureFrom) {
				this.latencyMicros.recordValue(Math.max(0, (receivedNanos - invalidation.intendedNanos) / 1000));
				this.delivered++;
				measured = true;
			}
			forget(invalidation);
			i--;
		}
		if ((mask & ~explained) != 0) {
			error("VF " + vf + " got bits nobody invalidated since its cursor: " + hex(mask & ~explained));
		}
		if (measured) {
			this.deliveries++;
		}
	}

	/** A 204 on the VF's poll that was sent at {@code pollSentNanos}. */
	void timedOut(int vf, long pollSentNanos) {
		for (Pending invalidation : this.pending.get(vf)) {
			mustNotBeMissing(invalidation, pollSentNanos, "a 204");
		}
	}

	private void mustNotBeMissing(Pending invalidation, long pollSentNanos, String answer) {
		if (invalidation.acceptedNanos < pollSentNanos) {
			error("VF " + invalidation.vf + ": a poll sent after the 202 of " + hex(invalidation.mask)
					+ " was answered with " + answer + " without it");
		}
	}

	private void forget(Pending invalidation) {
		this.pending.get(invalidation.vf).remove(invalidation);
		this.inFlightBits[invalidation.vf] &= ~invalidation.mask;
		this.outstanding--;
		if (invalidation.uncertain) {
			this.uncertain--;
		}
	}

	void error(String message) {
		this.errorCount++;
		if (this.errors.size() < KEPT_ERRORS) {
			this.errors.add(message);
		}
	}

	/** Counts only what is meant to be sent from now on. */
	void measureFrom(long nanos) {
		this.measureFrom = nanos;
		this.latencyMicros = newHistogram();
		this.invalidations = 0;
		this.delivered = 0;
		this.deliveries = 0;
	}

	/** Invalidations sent whose bits have not arrived yet. */
	long outstanding() {
		return this.outstanding;
	}

	/** Outstanding invalidations that must arrive: those not {@link #unanswered}. */
	long expected() {
		return this.outstanding - this.uncertain;
	}

	/**
	 * The errors since the last call, then what is still undelivered as loss (forgotten once
	 * reported, so that each is reported once).
	 */
	List<String> takeErrors() {
		var lines = new ArrayList<>(this.errors);
		if (this.errorCount > this.errors.size()) {
			lines.add("... and " + (this.errorCount - this.errors.size()) + " more errors");
		}
		this.errors.clear();
		this.errorCount = 0;
		long lost = this.outstanding - this.uncertain;
		for (var waiting : this.pending) {
			for (Pending invalidation : List.copyOf(waiting)) {
				if (!invalidation.uncertain && lines.size() < KEPT_ERRORS * 2) {
					lines.add("LOST: VF " + invalidation.vf + " never received " + hex(invalidation.mask)
							+ (invalidation.acceptedNanos == Long.MAX_VALUE ? " (no 202 yet)" : ""));
				}
				forget(invalidation);
			}
		}
		if (lost > 0) {
			lines.add("LOST: " + lost + " invalidation(s) in all");
		}
		return lines;
	}

	Histogram latencyMicros() {
		return this.latencyMicros;
	}

	long invalidations() {
		return this.invalidations;
	}

	long delivered() {
		return this.delivered;
	}

	/** Deliveries that carried at least one measured invalidation. */
	long deliveries() {
		return this.deliveries;
	}

	static String hex(long mask) {
		return String.format("0x%016x", mask);
	}

	/** One invalidation in flight. */
	static final class Pending {

		final int vf;

		final long mask;

		final long intendedNanos;

		long acceptedNanos = Long.MAX_VALUE;

		boolean uncertain;

		Pending(int vf, long mask, long intendedNanos) {
			this.vf = vf;
			this.mask = mask;
			this.intendedNanos = intendedNanos;
		}

		void accepted(long nanos) {
			this.acceptedNanos = nanos;
		}

	}

}
