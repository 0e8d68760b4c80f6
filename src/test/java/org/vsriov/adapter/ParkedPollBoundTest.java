package org.vsriov.adapter;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.vsriov.adapter.Polls.delivered;
import static org.vsriov.adapter.Polls.poll;
import static org.vsriov.adapter.Polls.pollWrites;
import static org.vsriov.adapter.Polls.startCursor;

/** The bound on polls parked over all VFs (vsriov.poll.max-parked): a poll over it is refused at once. */
class ParkedPollBoundTest {

	private static final int BOUND = 3;

	private final VirtualAdapter adapter = adapter(64, 2, BOUND);

	@AfterEach
	void close() {
		this.adapter.close();
	}

	@Test
	void pollThatWouldWaitPastTheBoundShouldBeRefusedAndChangeNothing() {
		String cursor = startCursor(this.adapter, 3);
		this.adapter.invalidate(3, BlockMask.parse("0x1"));
		String next = delivered(poll(this.adapter, 3, cursor, "0")).cursor().encode();
		var parked = List.of(poll(this.adapter, 0, null, "5m"), poll(this.adapter, 1, null, "5m"),
				pollWrites(this.adapter, 2, null, "5m"));
		assertThat(this.adapter.stats().parkedPolls()).isEqualTo(BOUND);

		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> poll(this.adapter, 3, next, "5m"))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.TOO_MANY_POLLS))
			.satisfies((ex) -> assertThat(ex.values()).containsEntry("maxParked", BOUND));
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> pollWrites(this.adapter, 3, null, "5m"))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(Fault.TOO_MANY_POLLS));
		assertThat(this.adapter.state(3).pendingMask()).as("the refused poll acknowledged nothing")
			.isEqualTo(BlockMask.parse("0x1"));
		assertThat(this.adapter.stats().refusedPolls()).isEqualTo(2);
		assertThat(this.adapter.stats().parkedPolls()).isEqualTo(BOUND);
		assertThat(parked).noneMatch(CompletableFuture::isDone);
	}

	@Test
	void pollsThatDoNotWaitShouldBeAnsweredAtTheBound() {
		parkUpToTheBound();
		this.adapter.invalidate(5, BlockMask.parse("0x2"));
		assertThat(delivered(poll(this.adapter, 5, null, "5m")).news()).isEqualTo(BlockMask.parse("0x2"));
		assertThat(poll(this.adapter, 6, null, "0")).isCompletedWithValueMatching(PollOutcome.TimedOut.class::isInstance);
		assertThat(this.adapter.stats().refusedPolls()).isZero();
	}

	@Test
	void pollThatSupersedesTheOldestOfItsVfShouldParkAtTheBound() {
		var oldest = poll(this.adapter, 0, null, "5m");
		poll(this.adapter, 0, null, "5m");
		poll(this.adapter, 1, null, "5m");
		var newest = poll(this.adapter, 0, null, "5m");
		assertThat(oldest).isCompletedWithValueMatching(PollOutcome.TimedOut.class::isInstance);
		assertThat(newest).isNotDone();
		assertThat(this.adapter.stats().parkedPolls()).isEqualTo(BOUND);
		assertThat(this.adapter.stats().refusedPolls()).isZero();
	}

	@Test
	void roomFreedByAnAnsweredPollShouldLetTheNextPark() {
		var first = parkUpToTheBound().get(0);
		assertThatExceptionOfType(AdapterException.class).isThrownBy(() -> poll(this.adapter, 9, null, "5m"));
		this.adapter.invalidate(0, BlockMask.parse("0x1"));
		assertThat(first).isDone();
		assertThat(poll(this.adapter, 9, null, "5m")).isNotDone();
		assertThat(this.adapter.stats().parkedPolls()).isEqualTo(BOUND);
	}

	@Test
	void pollsParkingOnManyVfsAtOnceShouldNeverOvershootTheBound() throws Exception {
		int bound = 50;
		int threads = 8;
		int perThread = 40;
		try (var many = adapter(threads * perThread, 16, bound)) {
			var pool = Executors.newFixedThreadPool(threads);
			var start = new CountDownLatch(1);
			var refused = new AtomicInteger();
			var done = new ArrayList<Future<?>>();
			for (int t = 0; t < threads; t++) {
				int first = t * perThread;
				done.add(pool.submit(() -> {
					start.await();
					for (int vf = first; vf < first + perThread; vf++) {
						try {
							assertThat(poll(many, vf, null, "5m")).isNotDone();
						}
						catch (AdapterException ex) {
							assertThat(ex.fault()).isEqualTo(Fault.TOO_MANY_POLLS);
							refused.incrementAndGet();
						}
						assertThat(many.stats().parkedPolls()).isLessThanOrEqualTo(bound);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> thread : done) {
				thread.get(10, TimeUnit.SECONDS);
			}
			pool.shutdown();
			assertThat(many.stats().parkedPolls()).isEqualTo(bound);
			assertThat(refused).hasValue(threads * perThread - bound);
			assertThat(many.stats().refusedPolls()).isEqualTo(threads * perThread - bound);
		}
	}

	@Test
	void pollsSupersedingOnOneVfWhileOthersParkShouldNeverOvershootTheBound() throws Exception {
		// One poll per VF: every poll on VF 0 supersedes the one before; the others park and withdraw.
		try (var racing = adapter(3, 1, 2)) {
			var pool = Executors.newFixedThreadPool(3);
			var start = new CountDownLatch(1);
			var done = new ArrayList<Future<?>>();
			for (int vf = 0; vf < 3; vf++) {
				int id = vf;
				done.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 20_000; i++) {
						try {
							var poll = racing.pollInvalidations(id, null, PollTimeout.parse("5m", racing.properties().poll()),
									(outcome) -> { });
							assertThat(racing.stats().parkedPolls()).isLessThanOrEqualTo(2);
							if (id != 0) {
								poll.cancel();
							}
						}
						catch (AdapterException ex) {
							assertThat(ex.fault()).isEqualTo(Fault.TOO_MANY_POLLS);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> thread : done) {
				thread.get(30, TimeUnit.SECONDS);
			}
			pool.shutdown();
			int waiting = racing.state(0).waiters() + racing.state(1).waiters() + racing.state(2).waiters();
			assertThat(racing.stats().parkedPolls()).isEqualTo(waiting).isLessThanOrEqualTo(2);
		}
	}

	private List<CompletableFuture<PollOutcome<BlockMask>>> parkUpToTheBound() {
		var parked = new ArrayList<CompletableFuture<PollOutcome<BlockMask>>>();
		for (int vf = 0; vf < BOUND; vf++) {
			parked.add(poll(this.adapter, vf, null, "5m"));
		}
		return parked;
	}

	private static VirtualAdapter adapter(int vfs, int maxWaitersPerVf, int maxParked) {
		var poll = new VsriovProperties.Poll(Duration.ofSeconds(30), Duration.ofMinutes(5), maxWaitersPerVf, maxParked);
		return new VirtualAdapter(new VsriovProperties(vfs, vfs, 64, 128, 16, poll, VsriovProperties.Http.defaults(),
				BlockSource.STORE, VsriovProperties.Oid.defaults(),
				VsriovProperties.JournalSettings.defaults(), VsriovProperties.FaultSettings.defaults()),
				Clock.systemUTC());
	}

}
