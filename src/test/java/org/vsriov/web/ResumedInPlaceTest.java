package org.vsriov.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.util.thread.TryExecutor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection's own task runs on the thread that asks, once at a time per thread; all else goes to the pool. */
class ResumedInPlaceTest {

	private final List<Runnable> pooled = new ArrayList<>();

	private final List<Runnable> tried = new ArrayList<>();

	private final TryExecutor pool = new TryExecutor() {

		@Override
		public void execute(Runnable task) {
			ResumedInPlaceTest.this.pooled.add(task);
		}

		@Override
		public boolean tryExecute(Runnable task) {
			ResumedInPlaceTest.this.tried.add(task);
			return false;
		}

	};

	@Test
	void theConnectionsOwnTaskShouldRunOnTheAskingThread() {
		var ranOn = new ArrayList<Thread>();
		Runnable connection = () -> ranOn.add(Thread.currentThread());
		new ResumedInPlace.InPlace(connection, this.pool, () -> true).execute(connection);

		assertThat(ranOn).containsExactly(Thread.currentThread());
		assertThat(this.pooled).isEmpty();
	}

	@Test
	void anyOtherTaskShouldGoToThePool() {
		Runnable connection = () -> {
		};
		Runnable other = () -> {
		};
		var inPlace = new ResumedInPlace.InPlace(connection, this.pool, () -> true);
		inPlace.execute(other);
		assertThat(inPlace.tryExecute(other)).isFalse();

		assertThat(this.pooled).containsExactly(other);
		assertThat(this.tried).containsExactly(other);
	}

	@Test
	void theConnectionsTaskShouldGoToThePoolWhenTheHotRoutesAreNotInline() {
		var ran = new AtomicBoolean();
		Runnable connection = () -> ran.set(true);
		new ResumedInPlace.InPlace(connection, this.pool, () -> false).execute(connection);

		assertThat(ran).isFalse();
		assertThat(this.pooled).containsExactly(connection);
	}

	@Test
	void aSecondConnectionResumedFromTheFirstsTaskShouldGoToThePool() {
		var ran = new ArrayList<String>();
		Runnable second = () -> ran.add("second");
		var secondInPlace = new ResumedInPlace.InPlace(second, this.pool, () -> true);
		Runnable first = () -> {
			ran.add("first");
			// A request found on the first connection completes the second's: no nesting.
			secondInPlace.execute(second);
		};
		new ResumedInPlace.InPlace(first, this.pool, () -> true).execute(first);
		// And the thread runs in place again once the first is done.
		secondInPlace.execute(second);

		assertThat(ran).containsExactly("first", "second");
		assertThat(this.pooled).containsExactly(second);
	}

}
