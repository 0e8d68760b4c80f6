package org.vsriov.web;

import java.util.List;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;

/**
 * A long poll's two query parameters, {@code after} and {@code timeout}, each as Spring MVC binds a
 * parameter to a String: its values joined by commas, or null without one.
 * <p>
 * A query of plain {@code name=value} pairs, with nothing to decode (letters, digits and
 * {@code -._~} only), is read here as it stands. Any other goes through Jetty's parser, as on every
 * other path, which decodes it and refuses a bad encoding. Both read a plain query alike; Jetty's
 * makes a map of every parameter on the way, about a tenth of what a delivery allocated
 * (docs/decisions/0018).
 *
 * @param after the cursor to poll after
 * @param timeout how long to wait
 */
record PollParameters(@Nullable String after, @Nullable String timeout) {

	private static final PollParameters NONE = new PollParameters(null, null);

	/**
	 * The parameters of a poll's request.
	 *
	 * @throws IllegalArgumentException for a query Jetty cannot decode (a 400, as on every path)
	 */
	static PollParameters of(Request request) {
		PollParameters plain = plain(request.getHttpURI().getQuery());
		if (plain != null) {
			return plain;
		}
		Fields query;
		try {
			query = Request.extractQueryParameters(request);
		}
		catch (IllegalStateException ex) {
			// Jetty 12.1 refuses an escape that is not UTF-8 (%FF) with an IllegalStateException of its
			// own that carries a 400; other escapes it cannot decode, with an IllegalArgumentException.
			throw (ex instanceof HttpException) ? new IllegalArgumentException(ex.getMessage(), ex) : ex;
		}
		return new PollParameters(joined(query, "after"), joined(query, "timeout"));
	}

	/** The parameters of a plain query (null or blank: none), or null for a query Jetty must read. */
	static @Nullable PollParameters plain(@Nullable String query) {
		if (query == null || query.isBlank()) {
			return NONE; // as Jetty's parser: no parameters
		}
		String after = null;
		String timeout = null;
		int start = 0;
		while (true) {
			int end = query.indexOf('&', start);
			if (end < 0) {
				end = query.length();
			}
			int equals = query.indexOf('=', start);
			if (equals <= start || equals >= end - 1 || !unreserved(query, start, equals)
					|| !unreserved(query, equals + 1, end)) {
				return null; // an empty pair, name or value, a second '=', or something to decode
			}
			if (equals - start == 5 && query.startsWith("after", start)) {
				after = join(after, query.substring(equals + 1, end));
			}
			else if (equals - start == 7 && query.startsWith("timeout", start)) {
				timeout = join(timeout, query.substring(equals + 1, end));
			}
			if (end == query.length()) {
				return new PollParameters(after, timeout);
			}
			start = end + 1;
		}
	}

	private static boolean unreserved(String text, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '~';
			if (!plain) {
				return false;
			}
		}
		return true;
	}

	private static String join(@Nullable String values, String value) {
		return (values == null) ? value : values + "," + value;
	}

	private static @Nullable String joined(Fields query, String name) {
		List<String> values = query.getValues(name);
		return (values == null || values.isEmpty()) ? null : String.join(",", values);
	}

}
