package org.vsriov.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.VsriovProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every refused request into {@code application/problem+json}: the adapter's faults with their
 * offending values, and Spring MVC's own errors with a {@link ProblemType} instead of
 * {@code about:blank}. Details are written for people and never name a Java class.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	/**
	 * When a client refused for want of room should come back: parked polls end every second or so
	 * under traffic, and Kubernetes' API server answers its own 429s the same way.
	 */
	// The members of RFC 9457 itself, which an extension member must not shadow.
	private static final java.util.Set<String> RESERVED = java.util.Set.of("type", "title", "status", "detail", "instance");

	static final String RETRY_AFTER_SECONDS = "1";

	/**
	 * When a poll refused as the service stops should come back: later than the stop's wait for
	 * connections to cease (PollRelease), which agents retrying every second would keep going, and
	 * about when a restarted service is up.
	 */
	static final String RETRY_AFTER_STOPPING_SECONDS = "5";

	private final VsriovProperties properties;

	ProblemHandler(VsriovProperties properties) {
		this.properties = properties;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> handleAdapterException(AdapterException ex) {
		return problem(ex);
	}

	/** A failure of the service's own, for the rare answer that cannot go through this handler. */
	static ResponseEntity<ProblemDetail> internalError(String detail) {
		return ResponseEntity.internalServerError().body(ProblemType.INTERNAL_ERROR.problem(detail));
	}

	/**
	 * Writes a problem straight to the response, for a filter that refuses a request before Spring MVC
	 * sees it; the request's path is the instance, as Spring MVC gives it.
	 */
	static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem, JsonMapper json)
			throws IOException {
		problem.setInstance(URI.create(request.getRequestURI()));
		response.setStatus(problem.getStatus());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		json.writeValue(response.getOutputStream(), problem);
	}

	/**
	 * An adapter's refusal: its problem type and status, with the offending values as properties. A
	 * poll refused for want of room, or because the service stops, says when to come back, and closes
	 * its connection: a refused client that kept it would hold the very room it was refused.
	 */
	static ResponseEntity<ProblemDetail> problem(AdapterException ex) {
		ProblemType kind = ProblemType.of(ex.fault());
		ProblemDetail problem = kind.problem(ex.getMessage());
		// The offending values, under names of their own: never over a member RFC 9457 defines.
		ex.values().forEach((name, value) -> problem.setProperty(RESERVED.contains(name) ? "value" : name, value));
		var answer = ResponseEntity.status(kind.status());
		if (kind == ProblemType.TOO_MANY_POLLS || kind == ProblemType.SERVICE_STOPPING) {
			answer.header(HttpHeaders.RETRY_AFTER,
					(kind == ProblemType.SERVICE_STOPPING) ? RETRY_AFTER_STOPPING_SECONDS : RETRY_AFTER_SECONDS)
				.header(HttpHeaders.CONNECTION, "close");
		}
		return answer.body(problem);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = String.valueOf((ex instanceof MethodArgumentTypeMismatchException argument) ? argument.getName()
				: ex.getPropertyName());
		// A parameter given twice arrives as an array: its values as they were sent, not Java's text of it.
		Object value = ex.getValue();
		String text = (value instanceof Object[] values) ? String.join(",", java.util.Arrays.stream(values)
			.map(String::valueOf)
			.toList()) : String.valueOf(value);
		ProblemDetail problem = notDecimal(name, text, this.properties);
		if (value instanceof Object[] values && values.length > 1) {
			problem.setDetail(name + " is given " + values.length + " times; give it once. " + problem.getDetail());
		}
		return handleExceptionInternal(ex, problem, headers, HttpStatusCode.valueOf(problem.getStatus()), request);
	}

	/** A path variable or query parameter that is not an integer in ASCII digits ({@link DecimalIds}). */
	static ProblemDetail notDecimal(String name, String value, VsriovProperties properties) {
		ProblemType kind = switch (name) {
			case "vfId" -> ProblemType.INVALID_VF_ID;
			case "blockId" -> ProblemType.INVALID_BLOCK_ID;
			case "length" -> ProblemType.INVALID_LENGTH;
			default -> ProblemType.MALFORMED_REQUEST;
		};
		String range = switch (kind) {
			case INVALID_VF_ID -> " from 0 to " + (properties.totalVfs() - 1);
			case INVALID_BLOCK_ID -> " from 0 to " + (properties.blockCount() - 1);
			case INVALID_LENGTH -> " from 1 to " + properties.blockSize();
			default -> "";
		};
		ProblemDetail problem = kind.problem(name + " must be a decimal integer" + range + ", in ASCII digits");
		// Under its own names: a member such as vfId is always a number, and this value is not one.
		problem.setProperty("parameter", name);
		problem.setProperty("value", value);
		return problem;
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = unreadable(ex);
		return handleExceptionInternal(ex, problem, headers, HttpStatusCode.valueOf(problem.getStatus()), request);
	}

	/**
	 * The problem for a request body that could not be read: too large, not JSON, or JSON that does
	 * not bind (the field it is about, if any, in {@code errors}).
	 * @param ex the failure, or one it caused ({@link BodyLimitFilter.BodyTooLargeException}, a
	 *     {@link JacksonException}); a body that is missing or {@code null} has neither
	 */
	static ProblemDetail unreadable(Throwable ex) {
		if (causedBy(ex, BodyLimitFilter.BodyTooLargeException.class) != null) {
			return ProblemType.BODY_TOO_LARGE.problem(BodyLimitFilter.DETAIL);
		}
		var jackson = causedBy(ex, JacksonException.class);
		String field = blamedField(jackson);
		// A body's vfId that is not an integer in range is an invalid VF id, as it is in a path.
		ProblemType kind = ("vfId".equals(field) && !(jackson instanceof UnrecognizedPropertyException))
				? ProblemType.INVALID_VF_ID : ProblemType.MALFORMED_REQUEST;
		ProblemDetail problem = kind.problem(unreadable(jackson, field));
		if (field != null) {
			problem.setProperty("errors", List.of(new FieldError(field, fieldError(jackson))));
		}
		return problem;
	}

	/**
	 * What is wrong with one field of a request body, in a problem's {@code errors}.
	 *
	 * @param field the field's path
	 * @param message what is wrong with it
	 */
	record FieldError(String field, String message) {
	}

	/** The 415 problem for a body of a type the operation does not take; say so in {@code Accept}. */
	static ProblemDetail unsupportedMediaType(@Nullable Object contentType, List<MediaType> supported) {
		String sent = (contentType != null) ? "Content-Type " + contentType + " is not taken here"
				: "the request has no Content-Type";
		return ProblemType.UNSUPPORTED_MEDIA_TYPE.problem(sent + "; send the body with Content-Type "
				+ MediaType.toString(supported));
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = unsupportedMediaType(ex.getContentType(), ex.getSupportedMediaTypes());
		headers.setAccept(ex.getSupportedMediaTypes());
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	/** Gives Spring MVC's own problems (405, 415, ...) a type and title of ours. */
	@Override
	protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		if (body instanceof ProblemDetail problem
				&& (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
			ProblemType kind = ProblemType.forStatus(statusCode.value());
			kind.dress(problem);
			if (kind == ProblemType.NOT_FOUND) {
				problem.setDetail("no resource at this path; every operation is listed at /swagger-ui.html "
						+ "(paths end without a slash)");
			}
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

	/**
	 * The body field a Jackson error is about, or null: a syntax error (other than a number out of
	 * range) or an error at the top of the body names none.
	 */
	private static @Nullable String blamedField(@Nullable JacksonException jackson) {
		if (jackson == null || jackson.getPath().isEmpty()
				|| (jackson instanceof StreamReadException && !(jackson instanceof InputCoercionException))) {
			return null;
		}
		return path(jackson);
	}

	private static String unreadable(@Nullable JacksonException jackson, @Nullable String field) {
		if (jackson instanceof UnrecognizedPropertyException unknown) {
			return "unknown field '" + unknown.getPropertyName() + "'";
		}
		if (jackson instanceof InputCoercionException) {
			return (field == null) ? "a number in the request body is out of range"
					: "field '" + field + "' is out of range";
		}
		if (jackson instanceof StreamReadException syntax) {
			return String.valueOf(syntax.getOriginalMessage()).startsWith("Duplicate")
					? "request body gives a field twice" : "request body is not well-formed JSON";
		}
		if (field != null) {
			return "field '" + field + "' " + wrongValue(jackson);
		}
		return "request body is missing or is not a JSON object";
	}

	private static String fieldError(JacksonException jackson) {
		if (jackson instanceof UnrecognizedPropertyException) {
			return "unknown field";
		}
		return (jackson instanceof InputCoercionException) ? "out of range" : wrongValue(jackson);
	}

	private static String wrongValue(JacksonException ex) {
		if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			Class<?> target = mismatch.getTargetType();
			if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
				return "must be a JSON integer";
			}
			if (target == String.class) {
				return "must be a JSON string";
			}
		}
		return "has the wrong type or value";
	}

	private static String path(JacksonException ex) {
		var path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static <T extends Throwable> @Nullable T causedBy(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}
