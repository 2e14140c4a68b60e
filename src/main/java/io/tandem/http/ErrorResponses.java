package io.tandem.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Every error answer of the HTTP API, in one shape: {@code {"error":"<message>","status":<code>}}.
 * Handlers report errors by failing the routing context (with an {@link HttpException} for a
 * known status); this class turns each failure into that body. No stack trace reaches a client.
 */
final class ErrorResponses {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
  /** HTTP/2's NO_ERROR: after a whole answer, "stop sending the rest" (RFC 9113 §8.1). */
  private static final long NO_ERROR = 0;

  private final int maxBodyBytes;

  ErrorResponses(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Writes the error body, unless the response has already started. */
  static Future<Void> send(HttpServerResponse response, int status, String message) {
    return send(response, status, message, null);
  }

  /** Like {@link #send(HttpServerResponse, int, String)}, with extra fields after the two. */
  static Future<Void> send(HttpServerResponse response, int status, String message, JsonObject details) {
    if (response.headWritten()) {
      // too late for a status: cut the response so the client sees it incomplete
      return response.reset();
    }
    return response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(body(status, message, details));
  }

  /**
   * The whole answer as bytes, for a connection Vert.x has no request on (a head that never
   * completed): the same body, and {@code connection: close}.
   */
  static byte[] rawAnswer(int status, String message) {
    byte[] body = body(status, message, null).getBytes();
    String head = "HTTP/1.1 " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n"
        + "content-type: " + APPLICATION_JSON + "\r\n"
        + "content-length: " + body.length + "\r\n"
        + "connection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] answer = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, answer, 0, headBytes.length);
    System.arraycopy(body, 0, answer, headBytes.length, body.length);
    return answer;
  }

  private static Buffer body(int status, String message, JsonObject details) {
    return new JsonObject().put("error", message).put("status", status).mergeIn(details == null ? new JsonObject() : details)
        .toBuffer();
  }

  /** Answers, then closes the connection: what follows on it cannot be trusted or is not wanted. */
  private static void sendAndClose(HttpServerRequest request, int status, String message) {
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    send(request.response(), status, message).onComplete(sent -> request.connection().close());
  }

  /** The router's failure handler, for every route and for unmatched requests. */
  void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (status == 413) {
      // the client may still be sending: stop reading it after a little, so a body can cost no more
      // (HTTP/2: the stream alone ends; the connection's other requests go on)
      if (ctx.request().version() == HttpVersion.HTTP_2) {
        send(ctx.response(), 413, describe(ctx, 413)).onComplete(sent -> ctx.request().response().reset(NO_ERROR));
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      send(ctx.response(), 413, describe(ctx, 413)).onComplete(sent -> RequestGuard.closeAfterDrain(ctx.request()));
    } else if (failure instanceof RequestGuard.Refusal refusal) {
      sendAndClose(ctx.request(), refusal.status, refusal.getMessage());
    } else if (failure instanceof HttpClosedException) {
      log.debug("{} {}: the client closed the connection", ctx.request().method(), ctx.request().path());
    } else if (failure instanceof HttpException http) {
      send(ctx.response(), http.getStatusCode(), http.getPayload() != null ? http.getPayload() : describe(ctx, http.getStatusCode()));
    } else if (failure != null) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      send(ctx.response(), 500, "internal error");
    } else {
      status = status < 400 ? 500 : status;
      send(ctx.response(), status, describe(ctx, status));
    }
  }

  /**
   * Requests rejected before routing, by the HTTP codec (too long a request line or headers) or
   * by {@link RequestGuard} (ambiguous framing, past the descriptor budget). Nothing after such a
   * request is read: it is answered and the connection closed.
   */
  static void handleInvalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof RequestGuard.Refusal refusal) {
      status = refusal.status;
      message = refusal.getMessage();
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers too large";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    sendAndClose(request, status, message);
  }

  private String describe(RoutingContext ctx, int status) {
    return switch (status) {
      case 404 -> "no such resource: " + ctx.request().method() + " " + ctx.request().path();
      case 405 -> "method " + ctx.request().method() + " is not allowed on " + ctx.request().path();
      case 413 -> "request body is over " + maxBodyBytes + " bytes (http.maxBodyBytes)";
      case 415 -> "Content-Type must be application/json";
      case 400 -> "bad request";
      default -> "HTTP " + status;
    };
  }
}
