package org.vsriov.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.PollOutcome;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Opens the long polls, makes their answers, and writes those of the polls that parked. A parked
 * poll is a Servlet async request that Spring MVC does not see again: its answer is written with
 * Spring MVC's own message converters, and the request completed. There is no second dispatch
 * through the filters and the {@code DispatcherServlet}, which is what a {@code DeferredResult}
 * costs per answer (about 40 % of the CPU of a broadcast to parked polls).
 * <p>
 * It is also the outermost filter: an answer that comes before the parking request's dispatch has
 * returned waits for it, so that nothing writes the response while Spring MVC and the other filters
 * still read it; this filter then writes it on the request thread.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class LongPolls implements Filter {

	/** The request attribute that holds a parked poll, for the filter. */
	static final String PARKED = LongPolls.class.getName() + ".PARKED";

	private static final Log logger = LogFactory.getLog(LongPolls.class);

	private final VsriovProperties.Poll limits;

	private final ObjectProvider<RequestMappingHandlerAdapter> mvc;

	private final Map<Class<?>, HttpMessageConverter<Object>> converters = new ConcurrentHashMap<>();

	LongPolls(VsriovProperties properties, ObjectProvider<RequestMappingHandlerAdapter> mvc) {
		this.limits = properties.poll();
		this.mvc = mvc;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try {
			chain.doFilter(request, response);
		}
		finally {
			if (request.getAttribute(PARKED) instanceof LongPoll<?, ?> parked) {
				request.removeAttribute(PARKED);
				parked.dispatched();
			}
		}
	}

	/**
	 * Checks the request before the adapter is asked (a refused poll must change nothing): HEAD, which
	 * Spring serves with GET mappings, is refused, since a poll that takes news while no body carries
	 * it would lose it; and the timeout must parse and be within the maximum.
	 * @param request the poll's request
	 * @param response its response, which a parked poll's answer is written to
	 * @param timeout the {@code timeout} parameter, or null for the default
	 * @param body the 200's body, from the news and the encoded cursor after it
	 * @param <T> what news the stream carries
	 * @param <B> the 200's body
	 */
	public <T, B> LongPoll<T, B> open(HttpServletRequest request, HttpServletResponse response, String timeout,
			BiFunction<T, String, B> body) throws HttpRequestMethodNotSupportedException {
		if (HttpMethod.HEAD.matches(request.getMethod())) {
			throw new HttpRequestMethodNotSupportedException(request.getMethod(), List.of(HttpMethod.GET.name()));
		}
		// Spring MVC hands a handler its own wrapper of the response, made for the async requests it
		// starts itself; a parked poll's answer goes to the container's response.
		HttpServletResponse container = response;
		while (container instanceof HttpServletResponseWrapper wrapper) {
			container = (HttpServletResponse) wrapper.getResponse();
		}
		return new LongPoll<>(this, request, container, PollTimeout.parse(timeout, this.limits), body);
	}

	/**
	 * The answer to an outcome, as the handler returns it: news is a 200 with the body, a timeout a
	 * 204; both carry the cursor in {@value LongPoll#CURSOR_HEADER}.
	 * @throws AdapterException for the end of the VF's life, which {@link ProblemHandler} answers 410
	 */
	<T, B> ResponseEntity<B> answer(PollOutcome<T> outcome, BiFunction<T, String, B> body) {
		if (outcome instanceof PollOutcome.Delivered<T> delivered) {
			String next = delivered.cursor().encode();
			return ResponseEntity.ok().header(LongPoll.CURSOR_HEADER, next).body(body.apply(delivered.news(), next));
		}
		if (outcome instanceof PollOutcome.Ended<T> ended) {
			throw ended(ended.fault(), ended.vfId());
		}
		String cursor = ((PollOutcome.TimedOut<T>) outcome).cursor().encode();
		return ResponseEntity.noContent().header(LongPoll.CURSOR_HEADER, cursor).build();
	}

	/**
	 * The answer to a parked poll's outcome: as {@link #answer}, and the end of the VF's life as
	 * {@link ProblemHandler} answers it, with the request's path as the instance (as Spring MVC adds it).
	 */
	<T, B> ResponseEntity<?> parkedAnswer(PollOutcome<T> outcome, BiFunction<T, String, B> body,
			HttpServletRequest request) {
		if (outcome instanceof PollOutcome.Ended<T> ended) {
			ResponseEntity<ProblemDetail> problem = ProblemHandler.problem(ended(ended.fault(), ended.vfId()));
			problem.getBody().setInstance(URI.create(request.getRequestURI()));
			return problem;
		}
		return answer(outcome, body);
	}

	private static AdapterException ended(Fault fault, int vfId) {
		String detail = (fault == Fault.VF_GONE)
				? "VF " + vfId + " was freed (OID_NIC_SWITCH_FREE_VF) while the poll waited; it is not found until "
						+ "the PF allocates it again"
				: "VF " + vfId + " was reset (OID_SRIOV_RESET_VF) while the poll waited; re-read every block you "
						+ "care about and poll again without a cursor";
		return new AdapterException(fault, detail, Map.of("vfId", vfId));
	}

	/**
	 * Writes a parked poll's answer, if it has one, and completes the request. A client that went
	 * away only loses its answer, as with any other request.
	 */
	void write(AsyncContext async, @Nullable ResponseEntity<?> answer) {
		HttpServletResponse response = (HttpServletResponse) async.getResponse();
		try {
			if (answer != null) {
				write(response, answer);
			}
		}
		catch (IOException ex) {
			logger.debug("A long poll's answer was not written: its client has gone away", ex);
		}
		catch (RuntimeException ex) {
			logger.warn("A long poll's answer was not written", ex);
			failed(response);
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
		// Serialized first, so that a failure leaves the response as it was; and whole, so that it
		// goes out with a Content-Length in one write.
		Object body = answer.getBody();
		var buffer = new Buffer();
		if (body != null) {
			MediaType type = (body instanceof ProblemDetail) ? MediaType.APPLICATION_PROBLEM_JSON
					: MediaType.APPLICATION_JSON;
			this.converters.computeIfAbsent(body.getClass(), (kind) -> converter(kind, type)).write(body, type, buffer);
		}
		response.setStatus(answer.getStatusCode().value());
		answer.getHeaders().forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		buffer.headers.forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		if (body != null) {
			response.setContentLength(buffer.body.size());
			buffer.body.writeTo(response.getOutputStream());
		}
	}

	/** A 500 problem in place of an answer that could not be written, if nothing has gone out yet. */
	private void failed(HttpServletResponse response) {
		if (response.isCommitted()) {
			return;
		}
		try {
			response.reset();
			write(response, ProblemHandler.internalError("the long poll's answer could not be written"));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Nor was the 500 problem in its place", ex);
			response.setStatus(HttpStatus.INTERNAL_SERVER_ERROR.value());
		}
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
