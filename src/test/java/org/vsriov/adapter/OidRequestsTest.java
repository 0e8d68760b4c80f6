package org.vsriov.adapter;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** VF reads and writes as OID requests that the PF takes with its long poll and completes. */
class OidRequestsTest {

	private static final byte[] NONE = new byte[0];

	private final List<VirtualAdapter> adapters = new ArrayList<>();

	// Every request the test made, in order: ids start at random, per run.
	private final List<OidRequest> requests = new ArrayList<>();

	@AfterEach
	void close() {
		this.adapters.forEach(VirtualAdapter::close);
	}

	@Test
	void serializedHandOverShouldShowTheOldestPendingRequestUntilItEnds() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		CompletableFuture<OidOutcome> read = read(adapter, 0, 5, 16);
		CompletableFuture<OidOutcome> write = new CompletableFuture<>();
		this.requests.add(adapter.writeToPf(1, 2, new byte[] { 9, 8 }, write::complete));

		PollOutcome.Delivered<List<OidRequest>> first = delivered(poll(adapter, null, "0"));
		assertThat(first.news()).extracting(OidRequest::requestId).containsExactly(id(0));
		OidRequest request = first.news().get(0);
		assertThat(request.kind()).isEqualTo(OidRequest.Kind.READ);
		assertThat(request.vfId()).isZero();
		assertThat(request.blockId()).isEqualTo(5);
		assertThat(request.length()).isEqualTo(16);
		// Taking is not completing: the same cursor (none) gets the same request again.
		assertThat(delivered(poll(adapter, null, "0")).news()).containsExactly(request);

		// The next request is not handed over while the first one is pending.
		CompletableFuture<PollOutcome<List<OidRequest>>> parked = poll(adapter, first.cursor().encode(), "30s");
		assertThat(parked).isNotDone();
		adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_SUCCESS, new byte[] { 1, 2, 3 }, null);
		assertThat(read.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(OidOutcome.Completed.class,
				(done) -> assertThat(done.data()).containsExactly(1, 2, 3));
		PollOutcome.Delivered<List<OidRequest>> second = delivered(Polls.await(parked));
		assertThat(second.news()).extracting(OidRequest::requestId).containsExactly(id(1));
		assertThat(second.news().get(0).data()).containsExactly(9, 8);
		assertThat(write).isNotDone();
	}

	@Test
	void withoutSerializationEveryPendingRequestShouldBeHandedOverAtOnce() throws Exception {
		VirtualAdapter adapter = adapter(false, Duration.ofSeconds(30));
		read(adapter, 0, 1, 8);
		read(adapter, 1, 2, 8);
		PollOutcome.Delivered<List<OidRequest>> both = delivered(poll(adapter, null, "0"));
		assertThat(both.news()).extracting(OidRequest::requestId).containsExactly(id(0), id(1));
		CompletableFuture<PollOutcome<List<OidRequest>>> next = poll(adapter, both.cursor().encode(), "30s");
		assertThat(next).isNotDone();
		read(adapter, 2, 3, 8);
		assertThat(delivered(Polls.await(next)).news()).extracting(OidRequest::requestId).containsExactly(id(2));
	}

	@Test
	void aPollWithoutNewsShouldTimeOutWithItsOwnCursor() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		read(adapter, 0, 1, 8);
		String cursor = delivered(poll(adapter, null, "0")).cursor().encode();
		// Request 2 is pending but not handed over: a timed-out poll must keep the cursor before it.
		read(adapter, 1, 1, 8);
		PollOutcome<List<OidRequest>> timedOut = Polls.await(poll(adapter, cursor, "50ms"));
		assertThat(timedOut).isInstanceOfSatisfying(PollOutcome.TimedOut.class,
				(outcome) -> assertThat(outcome.cursor().encode()).isEqualTo(cursor));
		adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_FAILURE, NONE, null);
		assertThat(delivered(poll(adapter, cursor, "0")).news()).extracting(OidRequest::requestId).containsExactly(id(1));
	}

	@Test
	void aRequestTheTimeoutEndedShouldNotBeCompletedAndTheNextShouldBeHandedOver() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofMillis(100));
		CompletableFuture<OidOutcome> read = read(adapter, 0, 1, 8);
		assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(new OidOutcome.Ended(Fault.PF_TIMEOUT));
		assertThatThrownBy(() -> adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_SUCCESS, NONE, null))
			.isInstanceOfSatisfying(AdapterException.class,
					(ex) -> assertThat(ex.fault()).isEqualTo(Fault.OID_REQUEST_ENDED));
		assertThatThrownBy(() -> adapter.completeOid(id(0) + 1, NdisStatus.NDIS_STATUS_SUCCESS, NONE, null))
			.isInstanceOfSatisfying(AdapterException.class,
					(ex) -> assertThat(ex.fault()).isEqualTo(Fault.OID_REQUEST_NOT_FOUND));
		assertThat(adapter.stats().oidTimeouts()).isEqualTo(1);
		assertThat(adapter.stats().pendingOidRequests()).isZero();
	}

	@Test
	void aCompletionThatDoesNotFitShouldChangeNothing() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		CompletableFuture<OidOutcome> read = read(adapter, 0, 1, 2);
		CompletableFuture<OidOutcome> write = new CompletableFuture<>();
		this.requests.add(adapter.writeToPf(1, 1, new byte[] { 7 }, write::complete));
		assertThatThrownBy(() -> adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_SUCCESS, new byte[3], null))
			.isInstanceOfSatisfying(AdapterException.class,
					(ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_BLOCK_DATA));
		assertThatThrownBy(() -> adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_FAILURE, new byte[1], null))
			.isInstanceOf(AdapterException.class);
		assertThatThrownBy(() -> adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_FAILURE, NONE, 4L))
			.isInstanceOf(AdapterException.class);
		assertThat(read).isNotDone();
		// A short read succeeds with fewer bytes.
		adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_SUCCESS, new byte[] { 4 }, null);
		assertThat(read.join()).isInstanceOfSatisfying(OidOutcome.Completed.class,
				(done) -> assertThat(done.data()).containsExactly(4));
		assertThatThrownBy(() -> adapter.completeOid(id(1), NdisStatus.NDIS_STATUS_SUCCESS, new byte[1], null))
			.isInstanceOf(AdapterException.class);
		adapter.completeOid(id(1), NdisStatus.NDIS_STATUS_INVALID_LENGTH, NONE, 64L);
		assertThat(write.join()).isEqualTo(new OidOutcome.Failed(NdisStatus.NDIS_STATUS_INVALID_LENGTH, 64L));
	}

	@Test
	void aWriteThePfCompletedShouldBeLoggedBeforeTheVfLearnsItAndTheStoreStaysAsItWas() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		CompletableFuture<PollOutcome<List<BlockWrite>>> log = Polls.pollWrites(adapter, 1, null, "30s");
		var logged = new AtomicInteger(-1);
		CompletableFuture<OidOutcome> write = new CompletableFuture<>();
		this.requests.add(adapter.writeToPf(1, 3, new byte[] { 5, 6 }, (outcome) -> {
			logged.set(log.isDone() ? 1 : 0);
			write.complete(outcome);
		}));
		adapter.completeOid(id(0), NdisStatus.NDIS_STATUS_SUCCESS, NONE, null);
		assertThat(write.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(OidOutcome.Completed.class,
				(done) -> assertThat(done.data()).containsExactly(5, 6));
		assertThat(logged).hasValue(1);
		assertThat(Polls.writes(log).news()).singleElement().satisfies((entry) -> {
			assertThat(entry.blockId()).isEqualTo(3);
			assertThat(entry.data()).containsExactly(5, 6);
		});
		assertThat(adapter.read(1, 3, Role.PF).version()).isZero();
	}

	@Test
	void freeAndResetShouldEndTheirLifesRequestsOnly() throws Exception {
		VirtualAdapter adapter = adapter(false, Duration.ofSeconds(30));
		CompletableFuture<OidOutcome> freed = read(adapter, 0, 1, 8);
		CompletableFuture<OidOutcome> reset = read(adapter, 1, 1, 8);
		CompletableFuture<OidOutcome> other = read(adapter, 2, 1, 8);
		adapter.free(0);
		adapter.reset(1);
		assertThat(freed.join()).isEqualTo(new OidOutcome.Ended(Fault.VF_GONE));
		assertThat(reset.join()).isEqualTo(new OidOutcome.Ended(Fault.VF_RESET));
		assertThat(other).isNotDone();
		// A reset keeps the VF's block source; its next life's requests go on.
		assertThat(adapter.blockSource(1)).isEqualTo(BlockSource.PF);
		CompletableFuture<OidOutcome> again = read(adapter, 1, 1, 8);
		assertThat(delivered(poll(adapter, null, "0")).news()).extracting(OidRequest::requestId).containsExactly(id(2), id(3));
		adapter.completeOid(id(3), NdisStatus.NDIS_STATUS_SUCCESS, NONE, null);
		assertThat(again.join()).isInstanceOf(OidOutcome.Completed.class);
	}

	@Test
	void aFreeShouldNotHandTheNextOfItsOwnRequestsOver() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		read(adapter, 0, 1, 8);
		read(adapter, 0, 2, 8);
		read(adapter, 1, 3, 8);
		String cursor = delivered(poll(adapter, null, "0")).cursor().encode();
		CompletableFuture<PollOutcome<List<OidRequest>>> parked = poll(adapter, cursor, "30s");
		adapter.free(0);
		// Both of VF 0's requests ended: the next handed over is VF 1's.
		assertThat(delivered(Polls.await(parked)).news()).extracting(OidRequest::requestId).containsExactly(id(2));
	}

	@Test
	void stoppingWithSeveralPendingShouldAnswerThePfPollsWithNothing() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		read(adapter, 0, 1, 8);
		read(adapter, 1, 1, 8);
		String cursor = delivered(poll(adapter, null, "0")).cursor().encode();
		CompletableFuture<PollOutcome<List<OidRequest>>> parked = poll(adapter, cursor, "30s");
		adapter.close();
		assertThat(Polls.await(parked)).isInstanceOf(PollOutcome.TimedOut.class);
	}

	@Test
	void requestIdsOfAnotherRunShouldNotBeThisRunsOnes() {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		VirtualAdapter other = adapter(true, Duration.ofSeconds(30));
		read(adapter, 0, 1, 8);
		read(other, 0, 1, 8);
		assertThat(id(0)).isNotEqualTo(id(1)).isLessThan(1L << 53);
	}

	@Test
	void stoppingShouldEndEveryRequestAndAnswerThePfPolls() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		CompletableFuture<OidOutcome> read = read(adapter, 0, 1, 8);
		String cursor = delivered(poll(adapter, null, "0")).cursor().encode();
		CompletableFuture<PollOutcome<List<OidRequest>>> parked = poll(adapter, cursor, "30s");
		adapter.close();
		assertThat(read.join()).isEqualTo(new OidOutcome.Ended(Fault.SERVICE_STOPPING));
		assertThat(Polls.await(parked)).isInstanceOf(PollOutcome.TimedOut.class);
		assertThatThrownBy(() -> read(adapter, 0, 1, 8)).isInstanceOfSatisfying(AdapterException.class,
				(ex) -> assertThat(ex.fault()).isEqualTo(Fault.SERVICE_STOPPING));
	}

	@Test
	void cursorsOfAnotherStreamOrRunShouldBeRefused() {
		VirtualAdapter adapter = adapter(true, Duration.ofSeconds(30));
		String vfCursor = Polls.startCursor(adapter, 0);
		assertThatThrownBy(() -> poll(adapter, vfCursor, "0")).isInstanceOfSatisfying(AdapterException.class,
				(ex) -> assertThat(ex.fault()).isEqualTo(Fault.INVALID_CURSOR));
		VirtualAdapter other = adapter(true, Duration.ofSeconds(30));
		String otherRun = ((PollOutcome.TimedOut<List<OidRequest>>) poll(other, null, "0").join()).cursor().encode();
		assertThatThrownBy(() -> poll(adapter, otherRun, "0")).isInstanceOfSatisfying(AdapterException.class,
				(ex) -> assertThat(ex.fault()).isEqualTo(Fault.STALE_CURSOR));
	}

	/**
	 * A completion, the timeout and a reset race for the same request, many times over: exactly one
	 * wins, the VF gets exactly one outcome, the one that won, and nothing is left pending.
	 */
	@Test
	void aCompletionRacingATimeoutAndAResetShouldEndTheRequestExactlyOnce() throws Exception {
		VirtualAdapter adapter = adapter(true, Duration.ofMillis(2));
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			int rounds = 300;
			for (int round = 0; round < rounds; round++) {
				var outcomes = new ArrayList<OidOutcome>();
				var answered = new CountDownLatch(1);
				OidRequest request = adapter.readFromPf(0, 1, 8, (outcome) -> {
					synchronized (outcomes) {
						outcomes.add(outcome);
					}
					answered.countDown();
				});
				var start = new CountDownLatch(1);
				Future<Boolean> completion = threads.submit(() -> {
					start.await();
					try {
						adapter.completeOid(request.requestId(), NdisStatus.NDIS_STATUS_SUCCESS, new byte[] { 1 }, null);
						return true;
					}
					catch (AdapterException ex) {
						assertThat(ex.fault()).isEqualTo(Fault.OID_REQUEST_ENDED);
						return false;
					}
				});
				Future<?> reset = threads.submit(() -> {
					start.await();
					if (request.requestId() % 3 == 0) {
						adapter.reset(0);
					}
					return null;
				});
				start.countDown();
				boolean won = completion.get(10, TimeUnit.SECONDS);
				reset.get(10, TimeUnit.SECONDS);
				assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
				synchronized (outcomes) {
					assertThat(outcomes).hasSize(1);
					if (won) {
						assertThat(outcomes.get(0)).isInstanceOf(OidOutcome.Completed.class);
					}
					else {
						assertThat(outcomes.get(0)).isInstanceOf(OidOutcome.Ended.class);
					}
				}
			}
			assertThat(adapter.stats().pendingOidRequests()).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	private VirtualAdapter adapter(boolean serialized, Duration timeout) {
		var defaults = VsriovProperties.defaults();
		var properties = new VsriovProperties(8, 4, 64, 128, 1024, defaults.poll(), defaults.http(), BlockSource.PF,
				new VsriovProperties.Oid(timeout, serialized), VsriovProperties.JournalSettings.defaults(),
				VsriovProperties.FaultSettings.defaults()).withMaxParked(1000);
		var adapter = new VirtualAdapter(properties, Clock.systemUTC());
		this.adapters.add(adapter);
		return adapter;
	}

	private CompletableFuture<OidOutcome> read(VirtualAdapter adapter, int vfId, int blockId, int length) {
		var outcome = new CompletableFuture<OidOutcome>();
		this.requests.add(adapter.readFromPf(vfId, blockId, length, outcome::complete));
		return outcome;
	}

	/** The id of the n-th request the test made (from 0). */
	private long id(int n) {
		return this.requests.get(n).requestId();
	}

	private static CompletableFuture<PollOutcome<List<OidRequest>>> poll(VirtualAdapter adapter, String after,
			String timeout) {
		var outcome = new CompletableFuture<PollOutcome<List<OidRequest>>>();
		adapter.pollOidRequests(after, PollTimeout.parse(timeout, adapter.properties().poll()), outcome::complete);
		return outcome;
	}

	private static PollOutcome.Delivered<List<OidRequest>> delivered(CompletableFuture<PollOutcome<List<OidRequest>>> poll) {
		assertThat(poll).isDone();
		return delivered(poll.join());
	}

	private static PollOutcome.Delivered<List<OidRequest>> delivered(PollOutcome<List<OidRequest>> outcome) {
		assertThat(outcome).isInstanceOf(PollOutcome.Delivered.class);
		return (PollOutcome.Delivered<List<OidRequest>>) outcome;
	}

}
