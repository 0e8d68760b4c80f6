package org.vsriov.adapter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vsriov.adapter.Polls.await;
import static org.vsriov.adapter.Polls.poll;
import static org.vsriov.adapter.Polls.startCursor;

/**
 * Many PF threads invalidate random masks while many VF agents poll with cursors, as a real driver
 * does: on each delivery the agent re-reads the flagged blocks. When the PF stops, every agent must
 * have seen the last data of every block: an invalidation lost after its data was written would leave
 * an agent with an older value.
 */
class ConcurrentInvalidationTest {

	private static final int INVALIDATORS = 4;

	private static final int POLLERS = 6;

	private static final int ROUNDS = 3_000;

	private final VirtualAdapter adapter = new VirtualAdapter(VsriovProperties.defaults(), Clock.systemUTC());

	private final ExecutorService threads = Executors.newFixedThreadPool(INVALIDATORS + POLLERS);

	@AfterEach
	void close() throws InterruptedException {
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		this.adapter.close();
	}

	@Test
	void everyBitInvalidatedShouldReachEveryPollerAfterItsDataWasWritten() throws Exception {
		List<Agent> agents = new ArrayList<>();
		for (int i = 0; i < POLLERS; i++) {
			agents.add(new Agent(startCursor(this.adapter, 0)));
		}
		runAndCheck(agents);
	}

	@Test
	void plainPollerShouldSeeEveryBlockAsLastWrittenAndLeaveNothingPending() throws Exception {
		runAndCheck(List.of(new Agent(null)));
		assertThat(this.adapter.state(0).pendingMask()).isEqualTo(BlockMask.NONE);
	}

	private void runAndCheck(List<Agent> agents) throws Exception {
		var stop = new AtomicBoolean();
		// The value each block was last given; the PF writes it before it invalidates the block.
		var written = new AtomicLongArray(BlockMask.WIDTH);
		var pollers = new ArrayList<Future<Agent>>();
		for (Agent agent : agents) {
			pollers.add(this.threads.submit(() -> agent.run(stop)));
		}
		var invalidators = new ArrayList<Future<Long>>();
		for (int i = 0; i < INVALIDATORS; i++) {
			invalidators.add(this.threads.submit(() -> invalidate(written)));
		}
		long bitsSet = 0;
		for (Future<Long> invalidator : invalidators) {
			bitsSet |= invalidator.get(60, TimeUnit.SECONDS);
		}
		stop.set(true);
		long deliveries = 0;
		for (Future<Agent> poller : pollers) {
			Agent agent = poller.get(60, TimeUnit.SECONDS);
			assertThat(agent.delivered).as("bits delivered").isEqualTo(bitsSet);
			for (int block = 0; block < BlockMask.WIDTH; block++) {
				assertThat(agent.seen[block]).as("block %d as the agent last read it", block)
					.isEqualTo(written.get(block));
			}
			deliveries += agent.deliveries;
		}
		// Coalescing: no agent gets more deliveries than there were invalidations.
		assertThat(deliveries).isLessThanOrEqualTo((long) agents.size() * INVALIDATORS * ROUNDS);
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	private long invalidate(AtomicLongArray written) {
		var random = ThreadLocalRandom.current();
		long union = 0;
		for (int round = 0; round < ROUNDS; round++) {
			long bits = random.nextLong() & random.nextLong() & random.nextLong();
			if (bits == 0) {
				continue;
			}
			var mask = new BlockMask(bits);
			for (int block : mask.blocks()) {
				synchronized (written) {
					long value = written.incrementAndGet(block);
					this.adapter.write(0, block, longBytes(value), Role.PF, (v) -> true);
				}
			}
			this.adapter.invalidate(0, mask);
			union |= bits;
		}
		return union;
	}

	private static byte[] longBytes(long value) {
		return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array();
	}

	/**
	 * A VF agent: polls with the cursor of its last answer (or, given none, with plain polls that
	 * acknowledge on delivery) and re-reads the blocks it is told of.
	 */
	private final class Agent {

		final long[] seen = new long[BlockMask.WIDTH];

		long delivered;

		long deliveries;

		private final boolean plain;

		private String cursor;

		Agent(String cursor) {
			this.cursor = cursor;
			this.plain = (cursor == null);
		}

		Agent run(AtomicBoolean stop) throws Exception {
			while (true) {
				// Read the flag before polling: a poll that starts after the PF stopped sees everything.
				boolean last = stop.get();
				PollOutcome<BlockMask> outcome = await(poll(ConcurrentInvalidationTest.this.adapter, 0, this.plain ? null : this.cursor,
						last ? "0" : "200ms"));
				if (outcome instanceof PollOutcome.Delivered<BlockMask> delivery) {
					this.deliveries++;
					this.delivered |= delivery.news().bits();
					this.cursor = delivery.cursor().encode();
					for (int block : delivery.news().blocks()) {
						byte[] data = ConcurrentInvalidationTest.this.adapter.read(0, block, Role.VF).bytes(Long.BYTES);
						this.seen[block] = java.nio.ByteBuffer.wrap(data).getLong();
					}
				}
				else if (last) {
					return this;
				}
			}
		}

	}

}
