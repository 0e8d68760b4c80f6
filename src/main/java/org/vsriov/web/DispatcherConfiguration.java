package org.vsriov.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Spring Boot's {@code DispatcherServlet}, but with TRACE served by Spring MVC like any other method:
 * no mapping takes it, so it is a 405 problem. By default the Servlet API answers TRACE by echoing the
 * request's headers back, credentials included; with Spring's {@code dispatch-trace-request} it still
 * echoes them after Spring MVC's answer.
 */
@Configuration(proxyBeanMethods = false)
class DispatcherConfiguration {

	@Bean(name = DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)
	DispatcherServlet dispatcherServlet(WebMvcProperties properties) {
		var servlet = new TraceRefusingDispatcherServlet();
		// As Spring Boot configures its own.
		servlet.setDispatchOptionsRequest(properties.isDispatchOptionsRequest());
		servlet.setPublishEvents(properties.isPublishRequestHandledEvents());
		servlet.setEnableLoggingRequestDetails(properties.isLogRequestDetails());
		return servlet;
	}

	private static final class TraceRefusingDispatcherServlet extends DispatcherServlet {

		@Override
		protected void doTrace(HttpServletRequest request, HttpServletResponse response)
				throws ServletException, IOException {
			processRequest(request, response);
		}

	}

}
