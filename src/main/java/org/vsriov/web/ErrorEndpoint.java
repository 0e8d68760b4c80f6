package org.vsriov.web;

import java.net.URI;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page (errors raised in the servlet but outside Spring MVC, such as a body
 * over the limit) as {@code application/problem+json}, in place of Spring Boot's default. Requests
 * Jetty cannot parse never reach the servlet: {@link JettyConfiguration} answers those.
 */
@RestController
@Hidden
class ErrorEndpoint implements ErrorController {

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = (code instanceof Integer value) ? value : 404;
		ProblemType kind = ProblemType.forStatus(status);
		String detail = (kind == ProblemType.BODY_TOO_LARGE) ? BodyLimitFilter.DETAIL : kind.status().getReasonPhrase();
		ProblemDetail problem = kind.problem(detail);
		if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
			problem.setInstance(URI.create(uri));
		}
		return ResponseEntity.status(kind.status()).body(problem);
	}

}
