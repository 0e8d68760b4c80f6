package org.vsriov.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The PF side's own listener ({@code vsriov.http.pf-port}): a second connector of the main server,
 * with a listen backlog and threads of its own, so that a PF agent that opens a connection per
 * request is accepted and answered however many VF connections wait on the main port (there, a
 * flood past the connection limit fills the backlog, and every new connection waits behind it).
 * It serves every operation but the VF's, which get a 404 problem naming the main port: a VF agent
 * pointed here by mistake must not take the PF's room.
 */
final class PfListener extends Handler.Wrapper {

	private static final Log logger = LogFactory.getLog(PfListener.class);

	/** The connector's name. */
	static final String NAME = "pf";

	// A PF agent, an admin and the actuator: short requests, a few at a time. Two of them are the
	// connector's acceptor and selector. They are the listener's bound: its requests are not held
	// back by the busy limits (BusyRequests), which VF traffic on the main port fills.
	static final int THREADS = 8;

	private final ServerConnector connector;

	private final ServerConnector main;

	private PfListener(ServerConnector connector, ServerConnector main) {
		this.connector = connector;
		this.main = main;
	}

	/**
	 * Adds the PF listener to the server, on the main connector's address, with copies of its
	 * connection factories (and so its HTTP settings: call this once they are made) and its idle
	 * timeout; its handler goes in front of the server's.
	 * @param port the port, 0 for a free one
	 * @param acceptQueueSize the listen backlog
	 * @param listener told of each connection opened and closed
	 */
	static void add(Server server, int port, int acceptQueueSize, Connection.Listener listener) {
		var main = (ServerConnector) server.getConnectors()[0];
		if (main.getConnectionFactory(SslConnectionFactory.class) != null) {
			// Its TLS would need a connection factory of its own, sharing the main one's keys.
			throw new IllegalStateException("vsriov.http.pf-port cannot be used with server.ssl yet: "
					+ "leave it unset, or terminate TLS in front of the service");
		}
		var threads = new QueuedThreadPool(THREADS, THREADS / 2);
		threads.setName(NAME);
		server.addBean(threads);
		var connector = new ServerConnector(server, threads, null, null, 1, 1, copies(main.getConnectionFactories()));
		connector.setName(NAME);
		connector.setHost(main.getHost());
		connector.setPort(port);
		connector.setAcceptQueueSize(acceptQueueSize);
		connector.setIdleTimeout(main.getIdleTimeout());
		connector.addEventListener(listener);
		connector.addEventListener(new LifeCycle.Listener() {
			@Override
			public void lifeCycleStarted(LifeCycle event) {
				logger.info("PF listener on port " + connector.getLocalPort() + " (vsriov.http.pf-port): its own "
						+ "listen backlog and " + THREADS + " threads; every operation but the VF's");
			}
		});
		server.addConnector(connector);
		var refusal = new PfListener(connector, main);
		refusal.setHandler(server.getHandler());
		server.setHandler(refusal);
	}

	/** A VF operation's path, under the servlet context's path ({@code server.servlet.context-path}). */
	private boolean isVfPath(Request request) {
		String path = request.getHttpURI().getDecodedPath();
		String vfs = CoreAnswers.servletContextPath(getServer()) + "/api/v1/vfs";
		return path.equals(vfs) || path.startsWith(vfs + "/");
	}

	// java.util's Collection by its full name: Handler.Collection, a member of the superclass, hides an import.
	private static ConnectionFactory[] copies(java.util.Collection<ConnectionFactory> factories) {
		return factories.stream().map((factory) -> (factory instanceof HttpConnectionFactory http)
				? new HttpConnectionFactory(new HttpConfiguration(http.getHttpConfiguration())) : factory)
			.toArray(ConnectionFactory[]::new);
	}

	/** Whether the request came to the PF listener. */
	static boolean isOn(Request request) {
		return NAME.equals(request.getConnectionMetaData().getConnector().getName());
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		if (request.getConnectionMetaData().getConnector() == this.connector && isVfPath(request)) {
			Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404, "the VF's operations are not "
					+ "served on the PF listener (vsriov.http.pf-port); they are on port " + this.main.getLocalPort());
			return true;
		}
		return super.handle(request, response, callback);
	}

}
