package org.vsriov.web;

import java.nio.ByteBuffer;
import java.util.TreeMap;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Jetty as a server of many parked polls, whose own errors are problems too.
 * <ul>
 * <li>Jetty keeps a cache of header fields per keep-alive connection, about 30 KB each once a
 * connection has carried a second request: with 10,000 agents polling that was 300 MB, three times
 * everything else a parked poll costs; so it is turned off (docs/performance.md).</li>
 * <li>A request Jetty cannot parse (a malformed request line or header, a URI or headers over its
 * limits, an unknown HTTP version) never reaches the servlet, so Jetty answers it itself, as an
 * HTML page by default: {@link ProblemErrorHandler} answers it as {@code application/problem+json}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class JettyConfiguration implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			for (Connector connector : server.getConnectors()) {
				for (var connectionFactory : connector.getConnectionFactories()) {
					if (connectionFactory instanceof HttpConnectionFactory http) {
						http.getHttpConfiguration().setHeaderCacheSize(0);
					}
				}
			}
			server.setErrorHandler(new ProblemErrorHandler());
		});
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
