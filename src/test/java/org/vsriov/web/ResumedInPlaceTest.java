package org.vsriov.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.TryExecutor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's own task runs on a thread serving a hot route of its connector, once at a time per
 * thread; all else goes to the pool.
 */
class ResumedInPlaceTest {

	private final Server server = new Server();

	private final Connector connector = new LocalConnector(this.server);

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
	void theConnectionsOwnTaskShouldRunOnAThreadServingAHotRouteOfItsConnector() {
		var ranOn = new ArrayList<Thread>();
		Runnable connection = () -> ranOn.add(Thread.currentThread());
		serving(this.connector, () -> inPlace(connection, () -> true).execute(connection));

		assertThat(ranOn).containsExactly(Thread.currentThread());
		assertThat(this.pooled).isEmpty();
	}

	@Test
	void theConnectionsTaskShouldGoToThePoolFromAnyOtherThread() {
		var ran = new AtomicBoolean();
		Runnable connection = () -> ran.set(true);
		// Not serving a hot route (the adapter's timer, a lifecycle request, a stop).
		inPlace(connection, () -> true).execute(connection);
		// Serving one of another connector (the PF listener's).
		serving(new LocalConnector(this.server), () -> inPlace(connection, () -> true).execute(connection));

		assertThat(ran).isFalse();
		assertThat(this.pooled).containsExactly(connection, connection);
	}

	@Test
	void anyOtherTaskShouldGoToThePool() {
		Runnable connection = () -> {
		};
		Runnable other = () -> {
		};
		var inPlace = inPlace(connection, () -> true);
		serving(this.connector, () -> inPlace.execute(other));
		assertThat(inPlace.tryExecute(other)).isFalse();

		assertThat(this.pooled).containsExactly(other);
		assertThat(this.tried).containsExactly(other);
	}

	@Test
	void theConnectionsTaskShouldGoToThePoolWhenTheHotRoutesAreNotInline() {
		var ran = new AtomicBoolean();
		Runnable connection = () -> ran.set(true);
		serving(this.connector, () -> inPlace(connection, () -> false).execute(connection));

		assertThat(ran).isFalse();
		assertThat(this.pooled).containsExactly(connection);
	}

	@Test
	void aSecondConnectionResumedFromTheFirstsTaskShouldGoToThePool() {
		var ran = new ArrayList<String>();
		Runnable second = () -> ran.add("second");
		var secondInPlace = inPlace(second, () -> true);
		Runnable first = () -> {
			ran.add("first");
			// A request found on the first connection completes the second's: no nesting.
			secondInPlace.execute(second);
		};
		serving(this.connector, () -> {
			inPlace(first, () -> true).execute(first);
			// And the thread runs in place again once the first is done.
			secondInPlace.execute(second);
		});

		assertThat(ran).containsExactly("first", "second");
		assertThat(this.pooled).containsExactly(second);
	}

	private ResumedInPlace.InPlace inPlace(Runnable connection, java.util.function.BooleanSupplier enabled) {
		return new ResumedInPlace.InPlace(connection, this.connector, this.pool, enabled);
	}

	private static void serving(Connector connector, Runnable work) {
		Connector before = ResumedInPlace.serving(connector);
		try {
			work.run();
		}
		finally {
			ResumedInPlace.served(before);
		}
	}

}
