package org.vsriov.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.Fault;
import org.vsriov.adapter.PollOutcome;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * How a long poll's outcome becomes HTTP: the answer the handler returns, and for a parked poll the
 * same answer written to the response outside Spring MVC, with Spring MVC's own message converters.
 */
final class PollAnswers {

	private static final Log logger = LogFactory.getLog(PollAnswers.class);

	private final ObjectProvider<RequestMappingHandlerAdapter> mvc;

	private final Map<Class<?>, HttpMessageConverter<Object>> converters = new ConcurrentHashMap<>();

	PollAnswers(ObjectProvider<RequestMappingHandlerAdapter> mvc) {
		this.mvc = mvc;
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
		// Jetty dated the response when the request came; a parked poll's answer is dated now.
		response.setDateHeader(HttpHeaders.DATE, System.currentTimeMillis());
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
			// A connection the poll's watch reads must still close after this answer.
			String connection = response.getHeader(HttpHeaders.CONNECTION);
			response.reset();
			if (connection != null) {
				response.setHeader(HttpHeaders.CONNECTION, connection);
			}
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
