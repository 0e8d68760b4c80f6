package org.vsriov.web;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
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
final class CommandHandler extends Handler.Wrapper implements InlineHotRoutes.Route {

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

	/** Whether a request is one of the commands this handler serves. */
	@Override
	public boolean serves(Request request) {
		return HttpMethod.POST.is(request.getMethod()) && this.routes.match(request, getServer()) != null;
	}

	@Override
	public boolean handle(Request request, Response response, Callback callback) throws Exception {
		CoreAnswers.Route<CoreCommand<?>> route = HttpMethod.POST.is(request.getMethod())
				? this.routes.match(request, getServer()) : null;
		if (route == null) {
			return super.handle(request, response, callback);
		}
		new Run<>(route.target(), route.mapping(), request, response, callback).start(route.id());
		return true;
	}

	/**
	 * One command, from its request to its answer: the checks, then the body, read without blocking
	 * (the request may be served on Jetty's selector thread, {@link InlineHotRoutes}), then the
	 * command, on the thread that read the body's end. Timed in {@code http.server.requests} from the
	 * start, under {@code uri}.
	 */
	private final class Run<B> {

		private final CoreCommand<B> command;

		private final String uri;

		private final Request request;

		private final Response response;

		private final Callback callback;

		private final long start = System.nanoTime();

		Run(CoreCommand<B> command, String uri, Request request, Response response, Callback callback) {
			this.command = command;
			this.uri = uri;
			this.request = request;
			this.response = response;
			this.callback = callback;
		}

		void start(String id) {
			try {
				ResponseEntity<?> tooLarge = CoreAnswers.bodyTooLarge(this.request);
				if (tooLarge != null) {
					// Refused before the servlet's observation filter: not timed.
					send(this.request, this.response, this.callback, tooLarge);
					return;
				}
				String contentType = this.request.getHeaders().get(HttpHeader.CONTENT_TYPE);
				ProblemDetail unparsable = ContentNegotiation.unparsable(
						this.request.getHeaders().getValuesList(HttpHeader.ACCEPT), contentType);
				if (unparsable != null) {
					// Refused before Spring MVC looks for an operation: timed under no path.
					answer(UNKNOWN, ResponseEntity.badRequest().body(unparsable));
					return;
				}
				MediaType type = StringUtils.hasLength(contentType) ? MediaType.parseMediaType(contentType) : null;
				if (type == null || !MediaType.APPLICATION_JSON.includes(type)) {
					// Spring MVC finds no operation for it, and times it under no path.
					answer(UNKNOWN, ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
						.header(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON_VALUE)
						.body(ProblemHandler.unsupportedMediaType(type, JSON)));
					return;
				}
				Integer vfId = DecimalIds.parse(id);
				if (vfId == null) {
					answer(this.uri, ResponseEntity.badRequest()
						.body(ProblemHandler.notDecimal("vfId", id, CommandHandler.this.properties)));
					return;
				}
				new BodyRead(this.request, (body) -> run(vfId, body), this.callback::failed).run();
			}
			catch (InvalidMediaTypeException ex) {
				answer(this.uri, ResponseEntity.badRequest().body(ProblemType.MALFORMED_REQUEST.problem(ex.getMessage())));
			}
			catch (RuntimeException ex) {
				failed(ex);
			}
		}

		/** Binds the body (a 400 if it cannot be) and runs the command. Never throws. */
		private void run(int vfId, byte[] body) {
			try {
				Object answer = runWithBody(this.command, vfId, body);
				if (answer instanceof CompletionStage<?> later) {
					// A fault rule's delay: answered on the adapter's timer once the command has run.
					later.whenComplete((value, failure) -> {
						Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
						if (cause instanceof AdapterException refused) {
							answer(this.uri, ProblemHandler.problem(refused));
						}
						else if (cause != null) {
							failed(new IllegalStateException(cause));
						}
						else {
							answer(this.uri, ResponseEntity.accepted().body(value));
						}
					});
					return;
				}
				answer(this.uri, (ResponseEntity<?>) answer);
			}
			catch (AdapterException ex) {
				answer(this.uri, ProblemHandler.problem(ex));
			}
			catch (RuntimeException ex) {
				failed(ex);
			}
			catch (Throwable ex) {
				this.callback.failed(ex);
			}
		}

		private void failed(RuntimeException ex) {
			logger.warn("A request failed: " + this.request.getMethod() + " " + this.request.getHttpURI().getPath(), ex);
			answer(this.uri, ProblemHandler.internalError("the request failed"));
		}

		private void answer(String timedUri, ResponseEntity<?> answer) {
			send(this.request, this.response, this.callback, answer);
			try {
				time(timedUri, this.response.getStatus(), System.nanoTime() - this.start);
			}
			catch (RuntimeException ex) {
				// Answered already: a request that cannot be timed is still not a failed one.
				logger.debug("A request could not be timed", ex);
			}
		}

	}

	/**
	 * Binds the body (at most one byte over the limit) and runs the command; a body that cannot be
	 * read is a 400. The answer, or the future of the 202's body if the command answers later.
	 */
	private <B> Object runWithBody(CoreCommand<B> command, int vfId, byte[] body) {
		if (body.length > BodyLimitFilter.MAX_BYTES) {
			// The rest of the body is not read: the connection cannot carry another request.
			return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
				.header(HttpHeaders.CONNECTION, "close")
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
		Object done = command.run(vfId, bound);
		return (done instanceof CompletionStage<?>) ? done : ResponseEntity.accepted().body(done);
	}

	/**
	 * Reads a body without blocking, at most one byte over the limit (the rest is left unread: the
	 * command refuses it, as Jetty then does the rest), and hands it on, on the thread that read its
	 * end; a body that fails (the client went away, stalled past the I/O timeout, or sent what
	 * cannot be parsed) goes to {@code failed}.
	 */
	private static final class BodyRead implements Invocable.Task {

		private final Request request;

		private final Consumer<byte[]> then;

		private final Consumer<Throwable> failed;

		// The bytes read so far, at most one over the limit: body[0..size).
		private byte[] body;

		private int size;

		BodyRead(Request request, Consumer<byte[]> then, Consumer<Throwable> failed) {
			this.request = request;
			this.then = then;
			this.failed = failed;
			long declared = request.getLength();
			this.body = new byte[(int) Math.min((declared >= 0) ? declared : 256, BodyLimitFilter.MAX_BYTES + 1)];
		}

		@Override
		public void run() {
			// The rest of a hot route: connections whose polls it answers may resume here.
			Connector before = ResumedInPlace.serving(this.request.getConnectionMetaData().getConnector());
			try {
				read();
			}
			finally {
				ResumedInPlace.served(before);
			}
		}

		private void read() {
			while (true) {
				Content.Chunk chunk = this.request.read();
				if (chunk == null) {
					this.request.demand(this);
					return;
				}
				if (Content.Chunk.isFailure(chunk)) {
					this.failed.accept(chunk.getFailure());
					return;
				}
				ByteBuffer bytes = chunk.getByteBuffer();
				int take = Math.min(bytes.remaining(), BodyLimitFilter.MAX_BYTES + 1 - this.size);
				if (this.size + take > this.body.length) {
					this.body = Arrays.copyOf(this.body,
							Math.min(Math.max(this.body.length * 2, this.size + take), BodyLimitFilter.MAX_BYTES + 1));
				}
				bytes.get(this.body, this.size, take);
				this.size += take;
				boolean last = chunk.isLast();
				chunk.release();
				if (last || this.size > BodyLimitFilter.MAX_BYTES) {
					this.then.accept((this.size == this.body.length) ? this.body : Arrays.copyOf(this.body, this.size));
					return;
				}
			}
		}

		@Override
		public InvocationType getInvocationType() {
			// What it runs (the command, the answers it writes) does not block.
			return InvocationType.NON_BLOCKING;
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
