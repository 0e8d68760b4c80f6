package org.vsriov.web;

import java.io.IOException;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.vsriov.adapter.PollTimeout;
import org.vsriov.adapter.VsriovProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Opens the long polls. A parked poll is a Servlet async request that Spring MVC does not see
 * again: {@link PollAnswers} writes its answer and completes the request, with no second dispatch
 * through the filters and the {@code DispatcherServlet}, which is what a {@code DeferredResult}
 * costs per answer (about 40 % of the CPU of a broadcast to parked polls).
 * <p>
 * This is also the outermost filter: an answer that comes before the parking request's dispatch has
 * returned waits for it, so that nothing writes the response while Spring MVC and the other filters
 * still read it; this filter then writes it on the request thread.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class LongPolls implements Filter {

	/** The paths of the long polls. */
	static final Pattern PATHS = Pattern.compile("/api/v1/(vfs/[^/]+/invalidations|pf/vfs/[^/]+/block-writes)");

	/** The request attribute that holds a parked poll, for the filter. */
	static final String PARKED = LongPolls.class.getName() + ".PARKED";

	private final VsriovProperties.Poll limits;

	private final PollAnswers answers;

	LongPolls(VsriovProperties properties, ObjectProvider<RequestMappingHandlerAdapter> mvc) {
		this.limits = properties.poll();
		this.answers = new PollAnswers(mvc);
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
	 * @param takes whether an answer takes what it carries (a plain poll acknowledges it): such a poll
	 *     is withdrawn as soon as its client is seen to have gone away ({@link ConnectionWatch})
	 * @param body the 200's body, from the news and the encoded cursor after it
	 * @param <T> what news the stream carries
	 * @param <B> the 200's body
	 */
	public <T, B> LongPoll<T, B> open(HttpServletRequest request, HttpServletResponse response, String timeout,
			boolean takes, BiFunction<T, String, B> body) throws HttpRequestMethodNotSupportedException {
		if (HttpMethod.HEAD.matches(request.getMethod())) {
			throw new HttpRequestMethodNotSupportedException(request.getMethod(), List.of(HttpMethod.GET.name()));
		}
		// Spring MVC hands a handler its own wrapper of the response, made for the async requests it
		// starts itself; a parked poll's answer goes to the container's response.
		HttpServletResponse container = response;
		while (container instanceof HttpServletResponseWrapper wrapper) {
			container = (HttpServletResponse) wrapper.getResponse();
		}
		return new LongPoll<>(this.answers, request, container, PollTimeout.parse(timeout, this.limits), takes, body);
	}

}
