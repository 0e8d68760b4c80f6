package org.vsriov.bench;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One keep-alive HTTP/1.1 connection with at most one request in flight, as a VF agent or a PF
 * agent holds it. It reconnects when the server closed it between requests. All its calls and
 * callbacks run on the one event-loop thread of {@link Loop}.
 */
final class HttpConnection {

	private final Loop loop;

	private Channel channel;

	private ChannelFuture connecting;

	private Consumer<Response> onResponse;

	private Consumer<String> onFailure;

	// Whether a connection error (a reset, say) only fails the request in flight, as a closed
	// connection does, instead of failing the run: for agents of an overloaded server.
	private final boolean resetsExpected;

	HttpConnection(Loop loop) {
		this(loop, false);
	}

	HttpConnection(Loop loop, boolean resetsExpected) {
		this.loop = loop;
		this.resetsExpected = resetsExpected;
	}

	static FullHttpRequest get(String uri) {
		return request(HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
	}

	static FullHttpRequest postJson(String uri, String json) {
		ByteBuf content = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
		var request = request(HttpMethod.POST, uri, content);
		request.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
		return request;
	}

	private static FullHttpRequest request(HttpMethod method, String uri, ByteBuf content) {
		var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, content);
		request.headers()
			.set(HttpHeaderNames.HOST, "127.0.0.1")
			.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
		return request;
	}

	/** Whether a request is in flight. */
	boolean busy() {
		return this.onResponse != null;
	}

	/** Sends the request, connecting first if there is no open connection. */
	void send(FullHttpRequest request, Consumer<Response> onResponse, Consumer<String> onFailure) {
		if (busy()) {
			throw new IllegalStateException("a request is already in flight on this connection");
		}
		this.onResponse = onResponse;
		this.onFailure = onFailure;
		if (this.channel != null && this.channel.isActive()) {
			write(request);
			return;
		}
		ChannelFuture connecting = this.loop.bootstrap().connect();
		this.connecting = connecting;
		connecting.addListener((ChannelFuture done) -> {
			this.connecting = null;
			if (!done.isSuccess()) {
				request.release();
				fail("connect: " + done.cause());
				return;
			}
			this.channel = done.channel();
			this.channel.pipeline().addLast(new Reader());
			write(request);
		});
	}

	void close() {
		if (this.channel != null) {
			this.channel.close();
		}
	}

	/** Closes the connection, or gives up connecting: the request in flight, if any, fails. */
	void abort() {
		if (this.connecting != null) {
			this.connecting.channel().close();
		}
		close();
	}

	private void write(FullHttpRequest request) {
		this.channel.writeAndFlush(request).addListener((ChannelFuture done) -> {
			if (!done.isSuccess()) {
				fail("write: " + done.cause());
			}
		});
	}

	private void fail(String why) {
		Consumer<String> failure = this.onFailure;
		this.onResponse = null;
		this.onFailure = null;
		if (failure != null) {
			failure.accept(why);
		}
	}

	private final class Reader extends SimpleChannelInboundHandler<FullHttpResponse> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
			var answer = new Response(response.status().code(), response.headers().get("Vsriov-Cursor"),
					response.content().toString(StandardCharsets.UTF_8), System.nanoTime(),
					response.headers().get(HttpHeaderNames.RETRY_AFTER));
			if (!HttpUtil.isKeepAlive(response)) {
				// The server closes this connection after this answer: the next request opens another.
				HttpConnection.this.channel = null;
				ctx.close();
			}
			Consumer<Response> handler = HttpConnection.this.onResponse;
			HttpConnection.this.onResponse = null;
			HttpConnection.this.onFailure = null;
			if (handler != null) {
				try {
					handler.accept(answer);
				}
				catch (RuntimeException ex) {
					HttpConnection.this.loop.failed("handling HTTP " + answer.status() + " " + answer.body(), ex);
				}
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (ctx.channel() == HttpConnection.this.channel && busy()) {
				fail("the server closed the connection with a request in flight");
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			if (!HttpConnection.this.resetsExpected) {
				HttpConnection.this.loop.failed("connection", cause);
			}
			ctx.close();
		}

	}

}
