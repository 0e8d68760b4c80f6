package org.vsriov.web;

import java.net.URI;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
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
		Object body = answer.getBody();
		if (body instanceof ProblemDetail problem) {
			problem.setInstance(URI.create(request.getHttpURI().getPath()));
		}
		byte[] bytes = (body != null) ? json().writeValueAsBytes(body) : null;
		response.setStatus(answer.getStatusCode().value());
		response.getHeaders().put(request.getConnectionMetaData().getConnector().getServer().getDateField());
		answer.getHeaders().forEach((name, values) -> values.forEach((value) -> response.getHeaders().add(name, value)));
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

	/** The servlet context's path, "" for the root. */
	static String contextPath(Server server) {
		ContextHandler context = server.getDescendant(ContextHandler.class);
		return (context == null || "/".equals(context.getContextPath())) ? "" : context.getContextPath();
	}

	/**
	 * An operation's path, as its controller maps it, split around its one {@code {vfId}}.
	 *
	 * @param prefix the path up to the id, with the context's path
	 * @param suffix the path after it
	 */
	record PathWithId(String prefix, String suffix) {

		private static final String VF_ID = "{vfId}";

		static PathWithId of(String contextPath, String mapping) {
			int id = mapping.indexOf(VF_ID);
			return new PathWithId(contextPath + mapping.substring(0, id), mapping.substring(id + VF_ID.length()));
		}

		/**
		 * The id's segment if a decoded path is this one (any segment: it is checked as a VF id
		 * later), else null.
		 */
		@Nullable String id(String path) {
			if (!path.startsWith(this.prefix) || !path.endsWith(this.suffix)
					|| path.length() <= this.prefix.length() + this.suffix.length()) {
				return null;
			}
			String id = path.substring(this.prefix.length(), path.length() - this.suffix.length());
			return (id.indexOf('/') < 0) ? id : null;
		}

	}

}
