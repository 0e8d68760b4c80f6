package org.vsriov.adapter;

/**
 * How a long poll ended: with news, with nothing before its timeout, because its VF's life ended,
 * or with news lost on the way on purpose.
 *
 * @param <T> what news the stream carries
 */
public sealed interface PollOutcome<T> {

	/**
	 * News after the poll's cursor.
	 *
	 * @param news what happened
	 * @param cursor the position after it
	 */
	record Delivered<T>(T news, Cursor cursor) implements PollOutcome<T> {
	}

	/**
	 * Nothing new before the timeout (or the service is stopping).
	 *
	 * @param cursor the unchanged position
	 */
	record TimedOut<T>(Cursor cursor) implements PollOutcome<T> {
	}

	/**
	 * Delivered, but lost in transit: a fault rule ({@code drop} on {@code delivery}) has the
	 * connection closed without an answer, after the poll took its bits.
	 */
	record Dropped<T>() implements PollOutcome<T> {
	}

	/**
	 * The VF was freed or reset while the poll waited.
	 *
	 * @param fault {@link Fault#VF_GONE} or {@link Fault#VF_RESET}
	 * @param vfId the VF
	 */
	record Ended<T>(Fault fault, int vfId) implements PollOutcome<T> {
	}

}
