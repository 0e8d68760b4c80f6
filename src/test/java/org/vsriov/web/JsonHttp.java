package org.vsriov.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test shorthand: requests with JSON bodies to a real server on loopback, through the JDK's
 * HttpClient over HTTP/1.1, as a generic client sends them.
 */
final class JsonHttp {

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final int port;

	JsonHttp(int port) {
		this.port = port;
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	HttpClient client() {
		return this.http;
	}

	/** Sends and waits for the answer (at most 20 s). */
	HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
		return sendAsync(method, path, body, headers).get(20, TimeUnit.SECONDS);
	}

	/**
	 * Sends without waiting: a body goes as {@code application/json}.
	 * @param headers more headers, as name, value, ...
	 */
	CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String body, String... headers) {
		var request = HttpRequest.newBuilder(uri(path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
