package org.vsriov.web;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * What the handlers below Spring MVC ({@link LongPollHandler}, {@link CommandHandler}) share: the
 * JSON mapper Spring MVC reads and writes bodies with, so that they are the same, their paths, and
 * how an answer is written.
 */
final class CoreAnswers {

	private final ObjectProvider<RequestMappingHandlerAdapter> mvc;

	// Spring MVC's, found on the first request (the server starts after the application context).
	private volatile @Nullable JsonMapper json;

	CoreAnswers(ObjectProvider<RequestMappingHandlerAdapter> mvc) {
		this.mvc = mvc;
	}

	JsonMapper json() {
		JsonMapper json = this.json;
		if (json == null) {
			json = this.mvc.getObject()
				.getMessageConverters()
				.stream()
				.filter(JacksonJsonHttpMessageConverter.class::isInstance)
				.map((converter) -> ((JacksonJsonHttpMessageConverter) converter).getMapper())
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("Spring MVC has no Jackson converter for JSON"));
			this.json = json;
		}
		return json;
	}

	/**
	 * Writes an answer and completes the request; a problem gets the request's path as its
	 * instance, as Spring MVC gives it. The body is serialized first, so that a failure leaves the
	 * response as it was, and whole, so that it goes out with a Content-Length in one write. The
	 * answer is dated now (Jetty dated the response when the request came: a parked poll's answer
	 * comes later).
	 */
	void send(Request request, Response response, Callback callback, ResponseEntity<?> answer) {
		write(request, response, callback, answer.getStatusCode().value(), answer.getHeaders(), null, null,
				answer.getBody());
	}

	/**
	 * As {@link #send(Request, Response, Callback, ResponseEntity)}, an answer with one header and
	 * without a {@code ResponseEntity}: a long poll's 200 and 204, on the hot path.
	 */
	void send(Request request, Response response, Callback callback, int status, String header, String value,
			@Nullable Object body) {
		write(request, response, callback, status, null, Objects.requireNonNull(header), Objects.requireNonNull(value),
				body);
	}

	private void write(Request request, Response response, Callback callback, int status,
			@Nullable HttpHeaders headers, @Nullable String header, @Nullable String value, @Nullable Object body) {
		if (body instanceof ProblemDetail problem) {
			problem.setInstance(URI.create(request.getHttpURI().getPath()));
		}
		byte[] bytes = (body != null) ? json().writeValueAsBytes(body) : null;
		response.setStatus(status);
		response.getHeaders().put(request.getConnectionMetaData().getConnector().getServer().getDateField());
		// Not HttpHeaders.forEach, which wraps each entry in a view of its own; and nothing at all for an
		// answer without headers (the PF's 202).
		if (headers != null && !headers.isEmpty()) {
			for (String name : headers.headerNames()) {
				for (String each : headers.getOrEmpty(name)) {
					response.getHeaders().add(name, each);
				}
			}
		}
		if (header != null && value != null) {
			response.getHeaders().add(header, value);
		}
		if (bytes == null) {
			callback.succeeded();
			return;
		}
		response.getHeaders()
			.put(HttpHeader.CONTENT_TYPE, (body instanceof ProblemDetail) ? MediaType.APPLICATION_PROBLEM_JSON_VALUE
					: MediaType.APPLICATION_JSON_VALUE);
		response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
		response.write(true, ByteBuffer.wrap(bytes), callback);
	}

	/**
	 * The 413 for a request that declares a body over the limit ({@link BodyLimitFilter}'s, for the
	 * requests served below Spring MVC), or null. The connection closes: the client is still
	 * sending a body nobody will read.
	 */
	static @Nullable ResponseEntity<?> bodyTooLarge(Request request) {
		if (request.getLength() <= BodyLimitFilter.MAX_BYTES) {
			return null;
		}
		return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
			.header(HttpHeaders.CONNECTION, "close")
			.body(ProblemType.BODY_TOO_LARGE.problem(BodyLimitFilter.DETAIL));
	}

	/**
	 * The servlet context's path ({@code server.servlet.context-path}), "" for the root: what a path
	 * still has in front in the handlers before the servlet context.
	 */
	static String servletContextPath(Server server) {
		ContextHandler context = server.getDescendant(ContextHandler.class);
		return (context == null || "/".equals(context.getContextPath())) ? "" : context.getContextPath();
	}

	/**
	 * The operations a handler serves, from the controllers that map them, each on a path with one
	 * {@code {vfId}}: made on the first request, once the application context has made the
	 * controllers (the server starts after them).
	 *
	 * @param <S> what serves an operation
	 */
	static final class Routes<S> {

		private static final String VF_ID = "{vfId}";

		private final ObjectProvider<S> targets;

		private final Function<S, String> mapping;

		private volatile @Nullable List<Route<S>> all;

		/**
		 * @param targets what serves each operation
		 * @param mapping its path, as its controller maps it
		 */
		Routes(ObjectProvider<S> targets, Function<S, String> mapping) {
			this.targets = targets;
			this.mapping = mapping;
		}

		/**
		 * The operation a request's path is, with its id's segment (any: it is checked as a VF id
		 * later), or null. A path with a dot segment is none: Spring MVC matches the path as sent,
		 * where Jetty's decoded path has it resolved, and found no operation there.
		 */
		@Nullable Route<S> match(Request request, Server server) {
			if (request.getHttpURI().getPath().contains("/.")) {
				return null;
			}
			String path = request.getHttpURI().getDecodedPath();
			for (Route<S> route : all(server)) {
				String id = route.id(path);
				if (id != null) {
					return route.with(id);
				}
			}
			return null;
		}

		private List<Route<S>> all(Server server) {
			List<Route<S>> all = this.all;
			if (all == null) {
				String contextPath = servletContextPath(server);
				all = this.targets.orderedStream().map((target) -> {
					String mapping = this.mapping.apply(target);
					int id = mapping.indexOf(VF_ID);
					return new Route<>(contextPath + mapping.substring(0, id), mapping.substring(id + VF_ID.length()),
							mapping, target, "");
				}).toList();
				if (!all.isEmpty()) {
					this.all = all;
				}
			}
			return all;
		}

	}

	/**
	 * An operation on a path with one {@code {vfId}}.
	 *
	 * @param prefix the path up to the id, with the context's path
	 * @param suffix the path after it
	 * @param mapping the path as its controller maps it (and as it is timed)
	 * @param target what serves it
	 * @param id the id's segment of the request's path, once matched
	 * @param <S> what serves it
	 */
	record Route<S>(String prefix, String suffix, String mapping, S target, String id) {

		private @Nullable String id(String path) {
			if (!path.startsWith(this.prefix) || !path.endsWith(this.suffix)
					|| path.length() <= this.prefix.length() + this.suffix.length()) {
				return null;
			}
			String id = path.substring(this.prefix.length(), path.length() - this.suffix.length());
			return (id.indexOf('/') < 0) ? id : null;
		}

		private Route<S> with(String id) {
			return new Route<>(this.prefix, this.suffix, this.mapping, this.target, id);
		}

	}

}
