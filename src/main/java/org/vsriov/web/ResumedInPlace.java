package org.vsriov.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.TryExecutor;

/**
 * Makes the connections whose request another thread completes go on reading on that thread
 * (docs/decisions/0015-connections-resumed-in-place.md). A parked poll's answer is written and its
 * request completed by the thread that has the news: the PF's invalidation on the selector thread,
 * the adapter's timer, a lifecycle request. Jetty then hands the poll's connection to its pool to
 * look for the next request; that pool thread finds nothing yet (the client has only just been
 * answered), registers the connection for reading and wakes the selector thread to do so: a hand-off
 * between three threads per delivery, about a seventh of the server's CPU in the peer benchmark. While the
 * hot routes run on the selector thread ({@link InlineHotRoutes}), a thread serving one of them on the
 * same connector does that itself. Whatever it finds is handled as on the selector thread: the hot
 * routes in place (they never block), everything else handed to the pool. Any other completing thread
 * (the adapter's timer, a lifecycle request on the pool, the PF listener's threads, a stop) hands the
 * connection to the pool as Jetty does. Once per thread at a time: a request found there that completes
 * another connection's request hands that one to the pool, so nothing nests.
 */
final class ResumedInPlace extends HttpConnectionFactory {

	private static final ThreadLocal<Boolean> RESUMING = new ThreadLocal<>();

	// The connector whose hot route the thread is serving, if any.
	private static final ThreadLocal<Connector> SERVING = new ThreadLocal<>();

	private final BooleanSupplier inPlace;

	private ResumedInPlace(HttpConfiguration configuration, BooleanSupplier inPlace) {
		super(configuration);
		this.inPlace = inPlace;
	}

	/**
	 * Puts this in place of the connector's HTTP/1.1 connection factory, with its configuration; not
	 * on a connector whose pool runs virtual threads (Jetty dispatches to those differently).
	 * @param inPlace whether to resume in place, asked each time (the hot routes' thread is known at start)
	 */
	static void install(ServerConnector connector, BooleanSupplier inPlace) {
		if (!(connector.getExecutor() instanceof TryExecutor)
				|| VirtualThreads.getVirtualThreadsExecutor(connector.getExecutor()) != null) {
			return;
		}
		List<ConnectionFactory> factories = new ArrayList<>();
		for (ConnectionFactory factory : connector.getConnectionFactories()) {
			if (factory instanceof HttpConnectionFactory http && factory.getClass() == HttpConnectionFactory.class) {
				var resumed = new ResumedInPlace(http.getHttpConfiguration(), inPlace);
				resumed.setInputBufferSize(http.getInputBufferSize());
				resumed.setTransferEncodingChunkMaxLength(http.getTransferEncodingChunkMaxLength());
				factory = resumed;
			}
			factories.add(factory);
		}
		connector.setConnectionFactories(factories);
	}

	/**
	 * Marks the thread as serving a hot route on the connector, until {@link #served}: connections
	 * of that connector whose requests it completes meanwhile resume on it.
	 * @return what to give {@link #served}
	 */
	static Connector serving(Connector connector) {
		Connector before = SERVING.get();
		SERVING.set(connector);
		return before;
	}

	/** Ends what {@link #serving} began. */
	static void served(Connector before) {
		if (before == null) {
			SERVING.remove();
		}
		else {
			SERVING.set(before);
		}
	}

	@Override
	public Connection newConnection(Connector connector, EndPoint endPoint) {
		var connection = new Resumable(getHttpConfiguration(), connector, endPoint, this.inPlace);
		connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
		return configure(connection, connector, endPoint);
	}

	/**
	 * Jetty's HTTP/1.1 connection, which runs itself on the thread that asks it to, where Jetty
	 * would hand it to the pool (its only task of its own: reading on).
	 */
	private static final class Resumable extends HttpConnection {

		private final Executor executor;

		Resumable(HttpConfiguration configuration, Connector connector, EndPoint endPoint, BooleanSupplier inPlace) {
			super(configuration, connector, endPoint);
			this.executor = new InPlace(this, connector, (TryExecutor) super.getExecutor(), inPlace);
		}

		@Override
		public Executor getExecutor() {
			return this.executor;
		}

	}

	/**
	 * The pool, but for one connection's own task, which a thread serving a hot route of the same
	 * connector runs in place (at most one at a time per thread, and not while the thread reads that
	 * connection). A {@link TryExecutor} as the pool is, so that Jetty's other dispatches through it
	 * are the same.
	 *
	 * @param connection the connection whose task runs in place
	 * @param connector its connector
	 * @param pool everything else's
	 * @param enabled whether to run it in place at all
	 */
	record InPlace(Runnable connection, Connector connector, TryExecutor pool, BooleanSupplier enabled)
			implements TryExecutor {

		@Override
		public void execute(Runnable task) {
			if (task != this.connection || SERVING.get() != this.connector || RESUMING.get() != null
					|| HttpConnection.getCurrentConnection() == task || !this.enabled.getAsBoolean()) {
				this.pool.execute(task);
				return;
			}
			RESUMING.set(Boolean.TRUE);
			try {
				task.run();
			}
			finally {
				RESUMING.remove();
			}
		}

		@Override
		public boolean tryExecute(Runnable task) {
			return this.pool.tryExecute(task);
		}

	}

}
