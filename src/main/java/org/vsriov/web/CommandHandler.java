package org.vsriov.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.vsriov.adapter.AdapterException;
import org.vsriov.adapter.VsriovProperties;
import tools.jackson.core.JacksonException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;

/**
 * Serves the {@link CoreCommand}s (the PF's invalidation) as a Jetty core handler, below the
 * servlet layer and Spring MVC, which were most of the CPU of a delivery once the long polls had
 * left them (docs/decisions/0008-hot-path-below-spring-mvc.md). The request is checked in the order
 * the servlet filters and Spring MVC check it, with the same problems: a declared body over the
 * limit (413, {@link BodyLimitFilter}), an {@code Accept} or {@code Content-Type} that cannot be
 * parsed (400, {@link ContentNegotiation}), a body that is not JSON (415), the VF id
 * ({@link DecimalIds}), the body ({@link ProblemHandler#unreadable}), then the command. Each is
 * timed in {@code http.server.requests}, as the servlet's observation filter times it.
 */
final class CommandHandler extends Handler.Wrapper {

	private static final Log logger = LogFactory.getLog(CommandHandler.class);

	private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

	private static final String UNKNOWN = "UNKNOWN";

	private final VsriovProperties properties;

	private final ObjectProvider<MeterRegistry> meters;

	private final CoreAnswers answers;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final CoreAnswers.Routes<CoreCommand<?>> routes;

	CommandHandler(VsriovProperties properties, ObjectProvider<CoreCommand<?>> commands,
			ObjectProvider<MeterRegistry> meters, CoreAnswers answers) {
		this.properties = properties;
		this.meters = meters;
		this.answers = answers;
		this.routes = new CoreAnswers.Routes<>(commands, CoreCommand::path);
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		CoreAnswers.Route<CoreCommand<?>> route = HttpMethod.POST.is(request.getMethod())
				? this.routes.match(request, getServer()) : null;
		if (route == null) {
			return super.handle(request, response, callback);
		}
		long start = System.nanoTime();
		String uri = run(route.target(), route.mapping(), route.id(), request, response, callback);
		if (uri != null) {
			time(uri, response.getStatus(), System.nanoTime() - start);
		}
		return true;
	}

	/**
	 * Checks, runs and answers a command.
	 * @return the {@code uri} it is timed under, or null if it is not timed (a declared body over
	 *     the limit, refused before the servlet's observation filter)
	 */
	private <B> @Nullable String run(CoreCommand<B> command, String uri, String id, Request request,
			Response response, Callback callback) {
		ResponseEntity<?> answer;
		try {
			ResponseEntity<?> tooLarge = CoreAnswers.bodyTooLarge(request);
			if (tooLarge != null) {
				send(request, response, callback, tooLarge);
				return null;
			}
			String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
			ProblemDetail unparsable = ContentNegotiation.unparsable(request.getHeaders().getValuesList(HttpHeader.ACCEPT),
					contentType);
			if (unparsable != null) {
				// Refused before Spring MVC looks for an operation: timed under no path.
				send(request, response, callback, ResponseEntity.badRequest().body(unparsable));
				return UNKNOWN;
			}
			MediaType type = StringUtils.hasLength(contentType) ? MediaType.parseMediaType(contentType) : null;
			if (type == null || !MediaType.APPLICATION_JSON.includes(type)) {
				// Spring MVC finds no operation for it, and times it under no path.
				send(request, response, callback, ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
					.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
					.body(ProblemHandler.unsupportedMediaType(type, JSON)));
				return UNKNOWN;
			}
			Integer vfId = DecimalIds.parse(id);
			if (vfId == null) {
				answer = ResponseEntity.badRequest().body(ProblemHandler.notDecimal("vfId", id, this.properties));
			}
			else {
				answer = runWithBody(command, vfId, request);
			}
		}
		catch (AdapterException ex) {
			answer = ProblemHandler.problem(ex);
		}
		catch (InvalidMediaTypeException ex) {
			answer = ResponseEntity.badRequest().body(ProblemType.MALFORMED_REQUEST.problem(ex.getMessage()));
		}
		catch (IOException | HttpException.RuntimeException ex) {
			// The client went away, its body stalled past the I/O timeout, or it could not be parsed
			// (Jetty answers that 400 itself, as on every other path).
			callback.failed(ex);
			return null;
		}
		catch (RuntimeException ex) {
			logger.warn("A request failed: " + request.getMethod() + " " + request.getHttpURI().getPath(), ex);
			answer = ProblemHandler.internalError("the request failed");
		}
		send(request, response, callback, answer);
		return uri;
	}

	/** Reads and binds the body (at most the limit), and runs the command; a body that cannot be read is a 400. */
	private <B> ResponseEntity<?> runWithBody(CoreCommand<B> command, int vfId, Request request) throws IOException {
		byte[] body = readBody(request);
		if (body.length > BodyLimitFilter.MAX_BYTES) {
			return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
				.body(ProblemType.BODY_TOO_LARGE.problem(BodyLimitFilter.DETAIL));
		}
		B bound;
		try {
			bound = (body.length == 0) ? null : this.answers.json().readValue(body, command.bodyType());
		}
		catch (JacksonException ex) {
			return ResponseEntity.badRequest().body(ProblemHandler.unreadable(ex));
		}
		if (bound == null) {
			// Missing, or JSON null: as Spring MVC refuses a required body.
			return ResponseEntity.badRequest().body(ProblemHandler.unreadable(new IllegalArgumentException()));
		}
		return ResponseEntity.accepted().body(command.run(vfId, bound));
	}

	/**
	 * The body, at most one byte over the limit. A declared length (at most the limit: a larger one
	 * was refused) is read into an array of its size, which Jetty's parser fills or fails;
	 * {@code readNBytes(int)} would allocate a 16 KB buffer for every 30-byte invalidation.
	 */
	private static byte[] readBody(Request request) throws IOException {
		long declared = request.getLength();
		try (InputStream in = Content.Source.asInputStream(request)) {
			if (declared < 0) {
				return in.readNBytes(BodyLimitFilter.MAX_BYTES + 1);
			}
			byte[] body = new byte[(int) declared];
			int read = in.readNBytes(body, 0, body.length);
			return (read == body.length) ? body : Arrays.copyOf(body, read);
		}
	}

	private void send(Request request, Response response, Callback callback, ResponseEntity<?> answer) {
		this.answers.send(request, response, callback, answer);
	}

	/** Times a request in {@code http.server.requests}, with the tags the servlet's observation gives it. */
	private void time(String uri, int status, long nanos) {
		Timer timer = this.timers.get(uri + " " + status);
		if (timer == null) {
			// Looked up once per kind: a lookup in the application context costs more than the request.
			MeterRegistry registry = this.meters.getIfAvailable();
			if (registry == null) {
				return;
			}
			timer = this.timers.computeIfAbsent(uri + " " + status, (key) -> timer(registry, uri, status));
		}
		timer.record(nanos, TimeUnit.NANOSECONDS);
	}

	private static Timer timer(MeterRegistry registry, String uri, int status) {
		return Timer.builder("http.server.requests")
			.tag("error", "none")
			.tag("exception", "none")
			.tag("method", HttpMethod.POST.asString())
			.tag("outcome", outcome(status))
			.tag("status", Integer.toString(status))
			.tag("uri", uri)
			.register(registry);
	}

	private static String outcome(int status) {
		return switch (status / 100) {
			case 1 -> "INFORMATIONAL";
			case 2 -> "SUCCESS";
			case 3 -> "REDIRECTION";
			case 4 -> "CLIENT_ERROR";
			case 5 -> "SERVER_ERROR";
			default -> "UNKNOWN";
		};
	}

}
