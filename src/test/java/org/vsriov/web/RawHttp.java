package org.vsriov.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** HTTP/1.1 over a plain socket, for what an HTTP client would not send or would retry. */
final class RawHttp {

	private RawHttp() {
	}

	/** Connects to the server on 127.0.0.1, with a 10 s read timeout, and sends the request as written. */
	static Socket send(int port, String request) throws IOException {
		var socket = new Socket("127.0.0.1", port);
		socket.setSoTimeout(10_000);
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		return socket;
	}

	/** The status line and headers, up to and with the empty line; "" if the server closes first. */
	static String readHead(InputStream in) throws IOException {
		var head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	/** The {@code Content-Length} of a head read by {@link #readHead}, or -1 if it has none. */
	static int contentLength(String head) {
		for (String line : head.split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				return Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		return -1;
	}

}
