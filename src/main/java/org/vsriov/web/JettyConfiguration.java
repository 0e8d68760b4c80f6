package org.vsriov.web;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.VsriovProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Jetty as a server of many parked polls that keeps answering the PF side and health whatever its
 * clients do, and whose own errors are problems too (docs/operations.md).
 * <ul>
 * <li>Jetty keeps a cache of header fields per keep-alive connection, about 30 KB each once a
 * connection has carried a second request: with 10,000 agents polling that was 300 MB, three times
 * everything else a parked poll costs; so it is turned off (docs/performance.md).</li>
 * <li>Slow and stalled clients are cut off: a request must arrive within
 * {@code vsriov.http.request-head-timeout} of its first byte ({@link RequestDeadline}); while it is
 * handled, a read or write may stall for {@code io-timeout} at most (Jetty's idle timeout: the
 * connection's, or if it differs, one set for the request; a parked poll does no I/O and is not
 * cut); bodies and answers can be held to minimum
 * data rates (Jetty's {@link MinimumDataRateHandler}, off by default: it measures an answer's rate
 * from its first write, so a 300-byte poll answer whose last write came 0.3 s later, after a
 * collection, failed with a 500).</li>
 * <li>Threads are kept for the PF side and health ({@link BusyRequests}); connections for them are
 * kept by the bound on parked polls ({@code vsriov.poll.max-parked}). (Jetty can also close idle
 * connections at {@code server.jetty.max-connections}: that closed the connections of polls whose
 * request came a second late in a flood, which then had no answer.)</li>
 * <li>The listen backlog holds a burst of connections ({@code vsriov.http.accept-queue-size}), and
 * {@link Arrivals} lets it drain before a stop closes it.</li>
 * <li>The PF side can have a listener of its own ({@link PfListener}), which no flood of VF
 * connections fills.</li>
 * <li>A request Jetty cannot parse (a malformed request line or header, a URI or headers over its
 * limits, an unknown HTTP version) never reaches the servlet, so Jetty answers it itself, as an
 * HTML page by default: {@link ProblemErrorHandler} answers it as {@code application/problem+json}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class JettyConfiguration implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {

	private final VsriovProperties.Http settings;

	private final Arrivals arrivals;

	// The main server's handlers of the hot routes, below Spring MVC; none for the management
	// server. The main server also gets the PF listener if one is configured.
	private final List<Handler.Wrapper> hotRoutes;

	JettyConfiguration(VsriovProperties properties, Arrivals arrivals, List<Handler.Wrapper> hotRoutes) {
		this.settings = properties.http();
		this.arrivals = arrivals;
		this.hotRoutes = hotRoutes;
	}

	@Autowired
	JettyConfiguration(VsriovProperties properties, Arrivals arrivals, ObjectProvider<PolledStream<?>> streams,
			ObjectProvider<CoreCommand<?>> commands, ObjectProvider<MeterRegistry> meters,
			ObjectProvider<RequestMappingHandlerAdapter> mvc) {
		this(properties, arrivals, hotRoutes(properties, streams, commands, meters, new CoreAnswers(mvc)));
	}

	private static List<Handler.Wrapper> hotRoutes(VsriovProperties properties, ObjectProvider<PolledStream<?>> streams,
			ObjectProvider<CoreCommand<?>> commands, ObjectProvider<MeterRegistry> meters, CoreAnswers answers) {
		return List.of(new LongPollHandler(properties, streams, answers),
				new CommandHandler(properties, commands, meters, answers));
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			List<InlineHotRoutes.Route> inline = this.hotRoutes.stream()
				.filter(InlineHotRoutes.Route.class::isInstance)
				.map(InlineHotRoutes.Route.class::cast)
				.toList();
			InlineHotRoutes inlineHotRoutes = inline.isEmpty() ? null : new InlineHotRoutes(inline);
			long io = this.settings.ioTimeout().toMillis();
			for (Connector connector : server.getConnectors()) {
				for (var connectionFactory : connector.getConnectionFactories()) {
					if (connectionFactory instanceof HttpConnectionFactory http) {
						http.getHttpConfiguration().setHeaderCacheSize(0);
						// Only if it differs from the connection's own (by default they are equal): Jetty
						// then reschedules the connection's timer as each request begins or ends, and in a
						// burst the request threads queued on its scheduler's one lock.
						if (io != connector.getIdleTimeout()) {
							http.getHttpConfiguration().setIdleTimeout(io);
						}
					}
				}
				if (connector instanceof ServerConnector network) {
					network.setAcceptQueueSize(this.settings.acceptQueueSize());
					if (inlineHotRoutes != null) {
						ResumedInPlace.install(network, inlineHotRoutes::isInline);
					}
				}
				connector.addEventListener(this.arrivals);
			}
			for (Handler.Wrapper hot : this.hotRoutes) {
				hot.setHandler(server.getHandler());
				server.setHandler(hot);
			}
			var adapterReads = BusyRequests.adapterReads(maxAdapterReads(), this.settings.ioTimeout());
			adapterReads.setHandler(server.getHandler());
			var busy = BusyRequests.any(this.settings.maxBusyRequests(), this.settings.ioTimeout());
			busy.setHandler(adapterReads);
			long minRead = this.settings.minRequestDataRate().toBytes();
			long minWrite = this.settings.minResponseDataRate().toBytes();
			// Off by default: it costs a timer per answer, and fails small answers after a pause.
			server.setHandler((minRead > 0 || minWrite > 0) ? new MinimumDataRateHandler(busy, minRead, minWrite) : busy);
			server.addBean(new RequestDeadline(server, this.settings.requestHeadTimeout()));
			server.setErrorHandler(new ProblemErrorHandler());
			Integer pfPort = this.settings.pfPort();
			if (!this.hotRoutes.isEmpty() && pfPort != null) {
				PfListener.add(server, pfPort, this.settings.acceptQueueSize(), this.arrivals);
			}
			this.arrivals.watch(server);
			if (inlineHotRoutes != null) {
				// Outermost of these handlers: it decides on which thread the others run.
				inlineHotRoutes.setHandler(server.getHandler());
				server.setHandler(inlineHotRoutes);
			}
		});
	}

	private int maxAdapterReads() {
		int max = this.settings.maxAdapterReads();
		return (max > 0) ? max : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
	}

	/** Jetty's answers to requests that never reach the servlet, as problems of their HTTP status. */
	static final class ProblemErrorHandler extends ErrorHandler {

		/** Every method's error gets its problem; Jetty's default gives a body to GET, POST and HEAD only. */
		@Override
		public boolean errorPageForMethod(String method) {
			return true;
		}

		@Override
		protected void generateResponse(Request request, Response response, int code, @Nullable String message,
				@Nullable Throwable cause, Callback callback) {
			response.getHeaders().put(HttpHeader.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			// Jetty names a request whose URI it could not read /badMessage: no instance then.
			String path = request.getHttpURI().getPath();
			response.write(true, problem(code, message, "/badMessage".equals(path) ? null : path), callback);
		}

		@Override
		public ByteBuffer badMessageError(int status, @Nullable String reason, HttpFields.Mutable fields) {
			fields.put(HttpHeader.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			return problem(status, reason, null);
		}

		/** The problem as {@link ProblemHandler} writes one: its kind's type and title, Jetty's reason. */
		static ByteBuffer problem(int status, @Nullable String reason, @Nullable String path) {
			ProblemType kind = ProblemType.forStatus(status);
			if (kind.status().value() != status && status < 500) {
				kind = ProblemType.MALFORMED_REQUEST;
			}
			HttpStatus known = HttpStatus.resolve(status);
			var problem = new TreeMap<String, Object>();
			problem.put("type", kind.type().toString());
			problem.put("title", kind.title());
			problem.put("status", status);
			problem.put("detail", (reason != null) ? reason : (known != null) ? known.getReasonPhrase() : kind.title());
			if (path != null && !path.isEmpty()) {
				problem.put("instance", path);
			}
			return ByteBuffer.wrap(JsonMapper.shared().writeValueAsBytes(problem));
		}

	}

}
