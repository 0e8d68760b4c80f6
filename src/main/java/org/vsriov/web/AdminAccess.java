package org.vsriov.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The admin API's access (API.md, "The test instrument"): with {@code vsriov.admin.token} set, every
 * operation under {@code /api/v1/admin} needs {@code Authorization: Bearer <token>}, else 401
 * problem; unset, the admin API is open, and the start says so. A Spring MVC interceptor on the
 * admin paths, so that it matches them exactly as the mappings do (path parameters, %-escapes).
 */
@Configuration(proxyBeanMethods = false)
class AdminAccess implements WebMvcConfigurer, HandlerInterceptor {

	static final String PATH = "/api/v1/admin";

	private static final Log logger = LogFactory.getLog(AdminAccess.class);

	private static final String BEARER = "Bearer ";

	private final byte[] token;

	private final JsonMapper json;

	AdminAccess(@Value("${vsriov.admin.token:}") String token, JsonMapper json) {
		String trimmed = token.trim();
		this.token = trimmed.isEmpty() ? null : trimmed.getBytes(StandardCharsets.UTF_8);
		this.json = json;
		if (this.token == null) {
			logger.warn("The admin API (" + PATH + ", which resets the adapter, puts faults in and reads the journal) "
					+ "is open to anyone who can reach this port: set vsriov.admin.token (VSRIOV_ADMIN_TOKEN) to require Authorization: Bearer <token>");
		}
		else {
			logger.info("The admin API (" + PATH + ") needs Authorization: Bearer <vsriov.admin.token>");
		}
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		if (this.token != null) {
			registry.addInterceptor(this).addPathPatterns(PATH, PATH + "/**");
		}
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
				&& MessageDigest.isEqual(this.token,
						authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8))) {
			return true;
		}
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, (authorization == null) ? "Bearer realm=\"vsriov admin\""
				: "Bearer realm=\"vsriov admin\", error=\"invalid_token\"");
		ProblemHandler.write(request, response, ProblemType.UNAUTHORIZED.problem((authorization == null)
				? "the admin API needs Authorization: Bearer <token> (vsriov.admin.token)"
				: "the bearer token is not the admin token (vsriov.admin.token)"), this.json);
		return false;
	}

}
