package org.vsriov.adapter;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Test shorthand: a poll whose outcome lands in a future, and the outcomes read back. */
final class Polls {

	private Polls() {
	}

	static CompletableFuture<PollOutcome<BlockMask>> poll(VirtualAdapter adapter, int vfId, String after,
			String timeout) {
		var outcome = new CompletableFuture<PollOutcome<BlockMask>>();
		adapter.pollInvalidations(vfId, after, PollTimeout.parse(timeout, adapter.properties().poll()),
				outcome::complete);
		return outcome;
	}

	/** The PF's poll over the VF's block writes. */
	static CompletableFuture<PollOutcome<List<BlockWrite>>> pollWrites(VirtualAdapter adapter, int vfId, String after,
			String timeout) {
		var outcome = new CompletableFuture<PollOutcome<List<BlockWrite>>>();
		adapter.pollBlockWrites(vfId, after, PollTimeout.parse(timeout, adapter.properties().poll()),
				outcome::complete);
		return outcome;
	}

	/** The writes delivered to a block-write poll that must already have answered. */
	static PollOutcome.Delivered<List<BlockWrite>> writes(CompletableFuture<PollOutcome<List<BlockWrite>>> poll) {
		assertThat(poll).isDone();
		assertThat(poll.join()).isInstanceOf(PollOutcome.Delivered.class);
		return (PollOutcome.Delivered<List<BlockWrite>>) poll.join();
	}

	/** The delivery of a poll that must already have answered. */
	static PollOutcome.Delivered<BlockMask> delivered(CompletableFuture<PollOutcome<BlockMask>> poll) {
		assertThat(poll).isDone();
		return delivered(poll.join());
	}

	static PollOutcome.Delivered<BlockMask> delivered(PollOutcome<BlockMask> outcome) {
		assertThat(outcome).isInstanceOf(PollOutcome.Delivered.class);
		return (PollOutcome.Delivered<BlockMask>) outcome;
	}

	static <T> PollOutcome<T> await(CompletableFuture<PollOutcome<T>> poll) throws Exception {
		return poll.get(10, TimeUnit.SECONDS);
	}

	/** The cursor a starting VF learns: a plain poll that answers at once. */
	static String startCursor(VirtualAdapter adapter, int vfId) {
		PollOutcome<BlockMask> outcome = poll(adapter, vfId, null, "0").join();
		return (outcome instanceof PollOutcome.TimedOut<BlockMask> timedOut) ? timedOut.cursor().encode()
				: delivered(outcome).cursor().encode();
	}

}
