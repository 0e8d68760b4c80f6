package org.vsriov.web;

import jakarta.servlet.ServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The {@code Accept} the client sent, kept by {@link ContentNegotiation} before it shows Spring MVC
 * one that every operation can meet: for an operation that chooses among formats of its own (the
 * journal's NDJSON and Mermaid).
 */
public final class ClientAccept {

	private static final String ATTRIBUTE = ClientAccept.class.getName();

	private ClientAccept() {
	}

	static void keep(ServletRequest request, String accept) {
		request.setAttribute(ATTRIBUTE, accept);
	}

	/** The client's {@code Accept} values, joined by commas; null if it sent none. */
	public static @Nullable String of(ServletRequest request) {
		Object accept = request.getAttribute(ATTRIBUTE);
		return (accept instanceof String text && !text.isEmpty()) ? text : null;
	}

}
