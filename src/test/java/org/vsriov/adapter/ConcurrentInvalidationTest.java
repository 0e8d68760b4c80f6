package org.vsriov.adapter;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vsriov.adapter.Polls.poll;
import static org.vsriov.adapter.Polls.startCursor;

/**
 * Many PF threads write blocks and invalidate random masks while many VF agents long-poll, as real
 * drivers do: on each delivery an agent re-reads the flagged blocks. The agents' polls wait far
 * longer than the test, so only deliveries wake them: once the PF stops, every agent must soon have
 * read the last data of every block. A lost invalidation or a lost wake-up leaves an agent with an
 * older value.
 */
class ConcurrentInvalidationTest {

	private static final int INVALIDATORS = 4;

	private static final int ROUNDS = 3_000;

	private final VirtualAdapter adapter = new VirtualAdapter(VsriovProperties.defaults(), Clock.systemUTC());

	private final ExecutorService threads = Executors.newCachedThreadPool();

	// The value each block was last given; the PF writes it before it invalidates the block.
	private final AtomicLongArray written = new AtomicLongArray(BlockMask.WIDTH);

	@AfterEach
	void close() throws InterruptedException {
		this.adapter.close();
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void everyBitInvalidatedShouldReachEveryCursorPollerAfterItsDataWasWritten() throws Exception {
		List<Agent> agents = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
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
		List<Future<?>> pollers = new ArrayList<>();
		for (Agent agent : agents) {
			pollers.add(this.threads.submit(agent::run));
		}
		List<Future<Long>> invalidators = new ArrayList<>();
		for (int i = 0; i < INVALIDATORS; i++) {
			invalidators.add(this.threads.submit(this::invalidate));
		}
		long bitsSet = 0;
		for (Future<Long> invalidator : invalidators) {
			bitsSet |= invalidator.get(60, TimeUnit.SECONDS);
		}
		long union = bitsSet;
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (Agent agent : agents) {
				assertThat(agent.delivered.get()).as("bits delivered").isEqualTo(union);
				for (int block = 0; block < BlockMask.WIDTH; block++) {
					assertThat(agent.seen.get(block)).as("block %d as the agent last read it", block)
						.isEqualTo(this.written.get(block));
				}
			}
		});
		long deliveries = agents.stream().mapToLong((agent) -> agent.deliveries.get()).sum();
		// Coalescing: no agent gets more deliveries than there were invalidations.
		assertThat(deliveries).isLessThanOrEqualTo((long) agents.size() * INVALIDATORS * ROUNDS);
		this.adapter.close();
		for (Future<?> poller : pollers) {
			poller.get(10, TimeUnit.SECONDS);
		}
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	private long invalidate() {
		var random = ThreadLocalRandom.current();
		long union = 0;
		for (int round = 0; round < ROUNDS; round++) {
			long bits = random.nextLong() & random.nextLong() & random.nextLong();
			if (bits == 0) {
				continue;
			}
			var mask = new BlockMask(bits);
			for (int block : mask.blocks()) {
				synchronized (this.written) {
					long value = this.written.incrementAndGet(block);
					this.adapter.write(0, block, ByteBuffer.allocate(Long.BYTES).putLong(value).array(), Role.PF,
							(version) -> true);
				}
			}
			this.adapter.invalidate(0, mask);
			union |= bits;
		}
		return union;
	}

	/**
	 * A VF agent: polls with the cursor of its last answer (or, given none, with plain polls that
	 * acknowledge on delivery) and re-reads the blocks it is told of, until the adapter closes.
	 */
	private final class Agent {

		final AtomicLongArray seen = new AtomicLongArray(BlockMask.WIDTH);

		final AtomicLong delivered = new AtomicLong();

		final AtomicLong deliveries = new AtomicLong();

		private final boolean plain;

		private String cursor;

		Agent(String cursor) {
			this.cursor = cursor;
			this.plain = (cursor == null);
		}

		Void run() throws Exception {
			VirtualAdapter adapter = ConcurrentInvalidationTest.this.adapter;
			while (true) {
				// Far longer than the test: a poll that is not woken by a delivery is a failure.
				PollOutcome<BlockMask> outcome = poll(adapter, 0, this.plain ? null : this.cursor, "5m")
					.get(1, TimeUnit.MINUTES);
				if (!(outcome instanceof PollOutcome.Delivered<BlockMask> delivery)) {
					return null; // answered as timed out: the adapter closed
				}
				this.deliveries.incrementAndGet();
				this.cursor = delivery.cursor().encode();
				for (int block : delivery.news().blocks()) {
					byte[] data = adapter.read(0, block, Role.VF).bytes(Long.BYTES);
					this.seen.set(block, ByteBuffer.wrap(data).getLong());
				}
				this.delivered.accumulateAndGet(delivery.news().bits(), (a, b) -> a | b);
			}
		}

	}

}
