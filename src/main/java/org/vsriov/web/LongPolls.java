package org.vsriov.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Cursor;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Opens the long polls, and writes the answers of those that parked. A parked poll is a Servlet
 * async request that Spring MVC does not see again: the thread the adapter completes it on hands
 * the answer to the container's pool, which writes it with Spring MVC's own message converters and
 * completes the request. There is no second dispatch through the filters and the
 * {@code DispatcherServlet}, which is what {@code DeferredResult} costs per answer.
 */
@Component
public class LongPolls {

	private static final Log logger = LogFactory.getLog(LongPolls.class);

	private final VsriovProperties.Poll limits;

	private final ObjectProvider<RequestMappingHandlerAdapter> mvc;

	private final Map<Class<?>, HttpMessageConverter<Object>> converters = new ConcurrentHashMap<>();

	LongPolls(VsriovProperties properties, ObjectProvider<RequestMappingHandlerAdapter> mvc) {
		this.limits = properties.poll();
		this.mvc = mvc;
	}

	/**
	 * Checks the request before the adapter is asked (a refused poll must change nothing): HEAD, which
	 * Spring serves with GET mappings, is refused, since a poll that takes news while no body carries
	 * it would lose it; and the timeout must parse and be within the maximum.
	 * @param request the poll's request
	 * @param response its response, which a parked poll's answer is written to
	 * @param timeout the {@code timeout} parameter, or null for the default
	 * @param cursor the stream's current cursor, for the fallback 204
	 * @param body the 200's body, from the news and the encoded cursor after it
	 * @param <T> what news the stream carries
	 * @param <B> the 200's body
	 */
	public <T, B> LongPoll<T, B> open(HttpServletRequest request, HttpServletResponse response, String timeout,
			Supplier<Cursor> cursor, BiFunction<T, String, B> body) throws HttpRequestMethodNotSupportedException {
		if (HttpMethod.HEAD.matches(request.getMethod())) {
			throw new HttpRequestMethodNotSupportedException(request.getMethod(), List.of(HttpMethod.GET.name()));
		}
		return new LongPoll<>(this, request, response, PollTimeout.parse(timeout, this.limits), cursor, body);
	}

	/** A refusal as {@link ProblemHandler} answers it, with the request's path as its instance. */
	ResponseEntity<ProblemDetail> problem(AdapterException ex, String path) {
		ResponseEntity<ProblemDetail> answer = ProblemHandler.problem(ex);
		answer.getBody().setInstance(URI.create(path));
		return answer;
	}

	/**
	 * Writes a parked poll's answer and completes it. A client that went away only loses its answer
	 * (as it would with any other request), so a failed write is logged at debug level.
	 */
	void write(AsyncContext async, ResponseEntity<?> answer) {
		try {
			write((HttpServletResponse) async.getResponse(), answer);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("A long poll's answer was not written", ex);
		}
		finally {
			try {
				async.complete();
			}
			catch (IllegalStateException ex) {
				logger.debug("A long poll had already been completed", ex);
			}
		}
	}

	private void write(HttpServletResponse response, ResponseEntity<?> answer) throws IOException {
		response.setStatus(answer.getStatusCode().value());
		answer.getHeaders().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		Object body = answer.getBody();
		if (body == null) {
			return;
		}
		// The body is small: buffered whole, it goes out with a Content-Length in one write.
		MediaType type = (body instanceof ProblemDetail) ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON;
		var buffer = new Buffer();
		this.converters.computeIfAbsent(body.getClass(), (kind) -> converter(kind, type)).write(body, type, buffer);
		buffer.headers.forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		response.setContentLength(buffer.body.size());
		buffer.body.writeTo(response.getOutputStream());
	}

	@SuppressWarnings("unchecked")
	private HttpMessageConverter<Object> converter(Class<?> kind, MediaType type) {
		for (HttpMessageConverter<?> converter : this.mvc.getObject().getMessageConverters()) {
			if (converter.canWrite(kind, type)) {
				return (HttpMessageConverter<Object>) converter;
			}
		}
		throw new IllegalStateException("Spring MVC has no converter that writes " + kind.getSimpleName() + " as " + type);
	}

	private static final class Buffer implements HttpOutputMessage {

		private final HttpHeaders headers = new HttpHeaders();

		private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

		@Override
		public OutputStream getBody() {
			return this.body;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

}
