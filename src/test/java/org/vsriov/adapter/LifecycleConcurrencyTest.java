package org.vsriov.adapter;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vsriov.adapter.Polls.poll;
import static org.vsriov.adapter.Polls.pollWrites;

/**
 * Invalidations, VF writes, both long polls and resets, all at once.
 *
 * <p>VF 0 is checked for loss and for crossing: the PF threads invalidate and write under a read lock
 * and record which life (by index) they acted in; the resetter takes the write lock, waits until the
 * VF's poller and the PF's log poller have received everything of the current life, and resets while
 * their next polls are parked. Each life's invalidations use their own third of the mask, and each
 * write carries its life's index, so a delivery that crosses a life boundary is caught.
 *
 * <p>VF 1 gets chaos: unguarded invalidations and writes, polls with tiny timeouts in both modes, and
 * random resets, frees and re-allocations. No poll may outlive its timeout by more than a margin, and
 * no delivery may carry a cursor of another life than the one it was asked after.
 *
 * <p>VF 2 has invalidations and writes racing resets with nothing to serialize them: each must land
 * in a life, old or new, and count there: an invalidation's answer holds its bits (nothing
 * acknowledges on VF 2), a write's answer holds its bytes, and after the race each block, written by
 * one thread only, holds the last bytes written to it (a reset keeps blocks).
 */
class LifecycleConcurrencyTest {

	private static final int RESETS = 40;

	private static final int WRITES_PER_LIFE = 50;

	private static final Duration HANG = Duration.ofSeconds(20);

	private static final int VF2_BLOCKS = 8;

	private final VirtualAdapter adapter = new VirtualAdapter(VsriovProperties.defaults(), Clock.systemUTC());

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final ReadWriteLock lifeLock = new ReentrantReadWriteLock();

	// Guarded by lifeLock.
	private int life;

	private final Map<Long, Integer> lifeIndex = new ConcurrentHashMap<>();

	private final long[] invalidated = new long[RESETS + 1];

	private final Map<Integer, Set<Integer>> written = new ConcurrentHashMap<>();

	// What the VF's poller and the PF's log poller received, by the life id of the answer's cursor.
	private final Map<Long, AtomicLong> delivered = new ConcurrentHashMap<>();

	private final Map<Long, Set<Integer>> received = new ConcurrentHashMap<>();

	private final AtomicInteger endedPolls = new AtomicInteger();

	private final Semaphore writePermits = new Semaphore(WRITES_PER_LIFE);

	// Written by the one VF 2 writer thread, read after it has stopped.
	private final int[] lastWrittenVf2 = new int[VF2_BLOCKS];

	private volatile boolean stop;

	@AfterEach
	void close() throws InterruptedException {
		this.stop = true;
		this.adapter.close();
		this.threads.shutdownNow();
		assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void resetsAmidInvalidationsWritesAndPollsShouldLoseNothingWithinALifeAndNeverCrossOne() throws Exception {
		this.lifeIndex.put(lifeOf(this.adapter.state(0).cursor()), 0);
		List<Future<?>> workers = new ArrayList<>();
		workers.add(start(this::invalidateVf0));
		workers.add(start(this::invalidateVf0));
		workers.add(start(this::writeVf0));
		workers.add(start(this::followInvalidationsOfVf0));
		workers.add(start(this::followWritesOfVf0));
		for (int i = 0; i < 4; i++) {
			workers.add(start(this::chaosPolls));
		}
		workers.add(start(this::chaosPf));
		workers.add(start(this::chaosLifecycle));
		workers.add(start(this::invalidateVf2AmidResets));
		workers.add(start(this::writeVf2AmidResets));
		workers.add(start(this::resetVf2));

		for (int reset = 1; reset <= RESETS; reset++) {
			int current = reset - 1;
			await().atMost(HANG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> Long.bitCount(invalidatedIn(current)) >= 4);
			this.lifeLock.writeLock().lock();
			try {
				// Everything of this life has reached the pollers before the reset ends it.
				await().atMost(HANG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).untilAsserted(() -> {
					assertThat(deliveredIn(current)).isEqualTo(this.invalidated[current]);
					assertThat(receivedIn(current)).isEqualTo(this.written.getOrDefault(current, Set.of()));
				});
				this.adapter.reset(0);
				this.lifeIndex.put(lifeOf(this.adapter.state(0).cursor()), reset);
				this.life = reset;
				this.writePermits.release(WRITES_PER_LIFE - this.writePermits.availablePermits());
			}
			finally {
				this.lifeLock.writeLock().unlock();
			}
		}
		this.stop = true;
		// A follower may have parked one more poll after the last reset; nothing would wake it.
		this.adapter.close();
		for (Future<?> worker : workers) {
			worker.get(HANG.toSeconds(), TimeUnit.SECONDS);
		}
		for (int block = 0; block < VF2_BLOCKS; block++) {
			assertThat(ByteBuffer.wrap(this.adapter.read(2, block, Role.PF).data()).getInt())
				.as("block %d of VF 2 after the race", block).isEqualTo(this.lastWrittenVf2[block]);
		}
		assertThat(this.adapter.stats().resets()).isGreaterThan(RESETS);

		assertThat(this.endedPolls).as("polls ended by a reset while parked").hasPositiveValue();
		this.delivered.forEach((lifeId, bits) -> {
			int index = this.lifeIndex.get(lifeId);
			assertThat(bits.get() & ~thirdOf(index)).as("bits delivered in life %d from another life", index).isZero();
		});
		this.received.forEach((lifeId, seqs) -> assertThat(seqs)
			.as("writes received in life %d", this.lifeIndex.get(lifeId))
			.allMatch((seq) -> seq / 1_000_000 == this.lifeIndex.get(lifeId)));
		assertThat(this.adapter.stats().parkedPolls()).isZero();
	}

	private void invalidateVf2AmidResets() {
		var random = ThreadLocalRandom.current();
		while (!this.stop) {
			var mask = new BlockMask(1L << random.nextInt(64));
			BlockMask pending = this.adapter.invalidate(2, mask);
			assertThat(pending.bits() & mask.bits()).as("pending mask after invalidating %s", mask.toHex())
				.isEqualTo(mask.bits());
		}
	}

	private void writeVf2AmidResets() {
		int seq = 0;
		while (!this.stop) {
			int block = seq % VF2_BLOCKS;
			byte[] data = ByteBuffer.allocate(4).putInt(++seq).array();
			ConfigBlock written = this.adapter.write(2, block, data, Role.VF, (version) -> true);
			assertThat(written.data()).as("the block a write answers with").isEqualTo(data);
			// Only this thread writes the block, and resets keep blocks: it must read its own write back.
			assertThat(this.adapter.read(2, block, Role.VF).data()).as("block %d read back", block).isEqualTo(data);
			this.lastWrittenVf2[block] = seq;
		}
	}

	private void resetVf2() {
		while (!this.stop) {
			this.adapter.reset(2);
		}
	}

	private Future<?> start(Work work) {
		return this.threads.submit(() -> {
			work.run();
			return null;
		});
	}

	private void invalidateVf0() {
		while (!this.stop) {
			this.lifeLock.readLock().lock();
			try {
				int block = ThreadLocalRandom.current().nextInt(16) + 16 * (this.life % 3);
				this.adapter.invalidate(0, BlockMask.ofBlocks(List.of(block)));
				synchronized (this.invalidated) {
					this.invalidated[this.life] |= 1L << block;
				}
			}
			finally {
				this.lifeLock.readLock().unlock();
			}
		}
	}

	private void writeVf0() throws InterruptedException {
		int seq = 0;
		while (!this.stop) {
			if (!this.writePermits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
				continue;
			}
			this.lifeLock.readLock().lock();
			try {
				// The life's index and a sequence number, so that a write received in another life shows.
				int tagged = this.life * 1_000_000 + seq++;
				byte[] data = ByteBuffer.allocate(4).putInt(tagged).array();
				this.adapter.write(0, seq % 8, data, Role.VF, (version) -> true);
				this.written.computeIfAbsent(this.life, (key) -> ConcurrentHashMap.newKeySet()).add(tagged);
			}
			finally {
				this.lifeLock.readLock().unlock();
			}
		}
	}

	/** The lossless VF agent loop of docs/long-polls.md, restarting on 410. */
	private void followInvalidationsOfVf0() throws Exception {
		follow((cursor) -> poll(this.adapter, 0, cursor, (cursor == null) ? "0" : "5m"),
				(delivered) -> this.delivered.computeIfAbsent(lifeOf(delivered.cursor()), (key) -> new AtomicLong())
					.accumulateAndGet(delivered.news().bits(), (a, b) -> a | b));
	}

	/** A PF agent following the write log, restarting on 410. */
	private void followWritesOfVf0() throws Exception {
		follow((cursor) -> pollWrites(this.adapter, 0, cursor, "5m"), (delivered) -> {
			Set<Integer> seqs = this.received.computeIfAbsent(lifeOf(delivered.cursor()),
					(key) -> ConcurrentHashMap.newKeySet());
			for (BlockWrite write : delivered.news()) {
				assertThat(seqs.add(ByteBuffer.wrap(write.data()).getInt())).as("delivered twice").isTrue();
			}
		});
	}

	/**
	 * Polls VF 0 after the cursor of each answer until the test stops, starting again without a cursor
	 * after a 410. Every delivery must be of the life the poll asked after.
	 */
	private <T> void follow(Function<String, CompletableFuture<PollOutcome<T>>> poll,
			Consumer<PollOutcome.Delivered<T>> received) throws Exception {
		String cursor = null;
		while (!this.stop) {
			PollOutcome<T> outcome;
			try {
				outcome = poll.apply(cursor).get(HANG.toSeconds(), TimeUnit.SECONDS);
			}
			catch (AdapterException ex) {
				assertThat(ex.fault()).isEqualTo(Fault.STALE_CURSOR);
				cursor = null;
				continue;
			}
			if (outcome instanceof PollOutcome.Ended) {
				assertThat(outcome).isEqualTo(new PollOutcome.Ended<>(Fault.VF_RESET, 0));
				this.endedPolls.incrementAndGet();
				cursor = null;
				continue;
			}
			if (outcome instanceof PollOutcome.Delivered<T> delivered) {
				received.accept(delivered);
			}
			cursor = cursorOf(cursor, outcome);
		}
	}

	/** Polls of VF 1 with tiny timeouts: each must answer within its timeout plus a margin. */
	private void chaosPolls() throws Exception {
		var random = ThreadLocalRandom.current();
		String cursor = null;
		String writesCursor = null;
		while (!this.stop) {
			String timeout = random.nextInt(20) + "ms";
			try {
				if (random.nextBoolean()) {
					String after = random.nextBoolean() ? cursor : null;
					PollOutcome<BlockMask> outcome = poll(this.adapter, 1, after, timeout).get(HANG.toSeconds(),
							TimeUnit.SECONDS);
					cursor = (outcome instanceof PollOutcome.Ended) ? null : cursorOf(after, outcome);
				}
				else {
					PollOutcome<List<BlockWrite>> outcome = pollWrites(this.adapter, 1, writesCursor, timeout)
						.get(HANG.toSeconds(), TimeUnit.SECONDS);
					writesCursor = (outcome instanceof PollOutcome.Ended) ? null : cursorOf(writesCursor, outcome);
				}
			}
			catch (AdapterException ex) {
				// The last poll may come after the test has closed the adapter.
				assertThat(ex.fault()).isIn(Fault.VF_NOT_FOUND, Fault.STALE_CURSOR,
						this.stop ? Fault.SERVICE_STOPPING : Fault.VF_NOT_FOUND);
				cursor = null;
				writesCursor = null;
			}
		}
	}

	private void chaosPf() {
		var random = ThreadLocalRandom.current();
		while (!this.stop) {
			try {
				if (random.nextBoolean()) {
					this.adapter.invalidate(1, new BlockMask(random.nextLong() | 1));
				}
				else {
					this.adapter.write(1, random.nextInt(64), new byte[] { 1 }, Role.VF, (version) -> true);
				}
			}
			catch (AdapterException ex) {
				assertThat(ex.fault()).isEqualTo(Fault.VF_NOT_FOUND);
			}
		}
	}

	private void chaosLifecycle() {
		var random = ThreadLocalRandom.current();
		while (!this.stop) {
			try {
				switch (random.nextInt(3)) {
					case 0 -> this.adapter.reset(1);
					case 1 -> this.adapter.free(1);
					default -> this.adapter.allocate(1);
				}
			}
			catch (AdapterException ex) {
				assertThat(ex.fault()).isIn(Fault.VF_NOT_FOUND, Fault.VF_ALLOCATED);
			}
		}
	}

	private static <T> String cursorOf(String after, PollOutcome<T> outcome) {
		Cursor cursor = (outcome instanceof PollOutcome.Delivered<T> delivered) ? delivered.cursor()
				: ((PollOutcome.TimedOut<T>) outcome).cursor();
		assertSameLife(after, cursor);
		return cursor.encode();
	}

	private static void assertSameLife(String after, Cursor answer) {
		if (after != null) {
			assertThat(answer.life()).as("life of the answer's cursor").isEqualTo(Cursor.parse(after).life());
		}
	}

	private long invalidatedIn(int index) {
		synchronized (this.invalidated) {
			return this.invalidated[index];
		}
	}

	private long deliveredIn(int index) {
		return this.delivered.entrySet()
			.stream()
			.filter((entry) -> this.lifeIndex.get(entry.getKey()) == index)
			.mapToLong((entry) -> entry.getValue().get())
			.reduce(0, (a, b) -> a | b);
	}

	private Set<Integer> receivedIn(int index) {
		return this.received.entrySet()
			.stream()
			.filter((entry) -> this.lifeIndex.get(entry.getKey()) == index)
			.flatMap((entry) -> entry.getValue().stream())
			.collect(Collectors.toSet());
	}

	private static long thirdOf(int index) {
		return 0xffffL << (16 * (index % 3));
	}

	private static long lifeOf(Cursor cursor) {
		return cursor.life();
	}

	private interface Work {

		void run() throws Exception;

	}

}
