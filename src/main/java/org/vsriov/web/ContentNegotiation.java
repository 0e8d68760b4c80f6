package org.vsriov.web;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * API.md "Content negotiation": {@code Accept} chooses the representation of a success body and
 * nothing else. An {@code Accept} or {@code Content-Type} that cannot be parsed is a 400 problem
 * before anything reads it. Under {@code /api/} Spring MVC is then shown an {@code Accept} that every
 * operation can meet (JSON, or raw bytes first for a client that prefers them), so that no mapping
 * answers 406 and no request fails, or changes state and then fails, over what a client said it
 * accepts; errors are {@code application/problem+json} whatever it said (RFC 9457 allows it).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class ContentNegotiation extends OncePerRequestFilter {

	private static final String PREFERS_RAW = ContentNegotiation.class.getName() + ".RAW";

	private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

	private static final String RAW_FIRST = MediaType.APPLICATION_OCTET_STREAM_VALUE + ", " + JSON + ";q=0.5";

	private final JsonMapper json;

	ContentNegotiation(JsonMapper json) {
		this.json = json;
	}

	/** Whether the client prefers a config block as raw bytes (set by this filter). */
	static boolean prefersRaw(ServletRequest request) {
		return request.getAttribute(PREFERS_RAW) != null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		List<String> accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
		ProblemDetail unparsable = unparsable(accept, request.getContentType());
		if (unparsable != null) {
			ProblemHandler.write(request, response, unparsable, this.json);
			return;
		}
		List<MediaType> accepted = MediaType.parseMediaTypes(accept);
		if (!request.getRequestURI().startsWith("/api/")) {
			chain.doFilter(request, response);
			return;
		}
		ClientAccept.keep(request, String.join(",", accept));
		boolean raw = prefersRaw(accepted);
		if (raw) {
			request.setAttribute(PREFERS_RAW, Boolean.TRUE);
		}
		chain.doFilter(new Negotiated(request, raw ? RAW_FIRST : JSON), response);
	}

	/**
	 * The 400 problem for an {@code Accept} or {@code Content-Type} that cannot be parsed, or null.
	 * @param accept the {@code Accept} headers' values
	 * @param contentType the {@code Content-Type}, or null
	 */
	static @Nullable ProblemDetail unparsable(List<String> accept, @Nullable String contentType) {
		String header = HttpHeaders.ACCEPT;
		try {
			MediaType.parseMediaTypes(accept);
			header = HttpHeaders.CONTENT_TYPE;
			if (StringUtils.hasText(contentType)) {
				MediaType.parseMediaType(contentType);
			}
			return null;
		}
		catch (InvalidMediaTypeException ex) {
			String fix = HttpHeaders.ACCEPT.equals(header) ? "send application/json, or no Accept"
					: "send application/json, or application/octet-stream where the operation takes raw bytes";
			return ProblemType.MALFORMED_REQUEST.problem(header + " cannot be parsed as media types ("
					+ ex.getMessage() + "); " + fix);
		}
	}

	/**
	 * Raw bytes only when the client ranks {@code application/octet-stream} above JSON: a higher q, or
	 * the only type named. A tie, a wildcard or a list naming both equally gives JSON. Each type's q is
	 * that of the most specific range that includes it (RFC 9110 12.5.1).
	 */
	static boolean prefersRaw(List<MediaType> accepted) {
		return quality(accepted, MediaType.APPLICATION_OCTET_STREAM) > quality(accepted, MediaType.APPLICATION_JSON);
	}

	private static double quality(List<MediaType> accepted, MediaType type) {
		double quality = 0;
		int specificity = -1;
		for (MediaType range : accepted) {
			if (!range.includes(type)) {
				continue;
			}
			int rank = range.isWildcardType() ? 0 : range.isWildcardSubtype() ? 1 : 2;
			if (rank > specificity) {
				specificity = rank;
				quality = range.getQualityValue();
			}
			else if (rank == specificity) {
				quality = Math.max(quality, range.getQualityValue());
			}
		}
		return quality;
	}

	/** The request with the {@code Accept} that this filter negotiated in place of the client's. */
	private static final class Negotiated extends HttpServletRequestWrapper {

		private final String accept;

		Negotiated(HttpServletRequest request, String accept) {
			super(request);
			this.accept = accept;
		}

		@Override
		public String getHeader(String name) {
			return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? this.accept : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? Collections.enumeration(List.of(this.accept))
					: super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			List<String> names = Collections.list(super.getHeaderNames());
			if (names.stream().noneMatch(HttpHeaders.ACCEPT::equalsIgnoreCase)) {
				names.add(HttpHeaders.ACCEPT);
			}
			return Collections.enumeration(names);
		}

	}

}
