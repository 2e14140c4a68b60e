package io.tandem.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error answer of the HTTP API, in one shape: {@code {"error":"<message>","status":<code>}}.
 * Handlers report errors by failing the routing context (with an {@link HttpException} for a
 * known status); this class turns each failure into that body. No stack trace reaches a client.
 */
final class ErrorResponses {

  static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

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
        .end(new JsonObject().put("error", message).put("status", status).mergeIn(details == null ? new JsonObject() : details)
            .toBuffer());
  }

  /** The router's failure handler, for every route and for unmatched requests. */
  void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpException http) {
      send(ctx.response(), http.getStatusCode(), http.getPayload() != null ? http.getPayload() : describe(ctx, http.getStatusCode()));
    } else if (failure != null) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      send(ctx.response(), 500, "internal error");
    } else {
      int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      send(ctx.response(), status, describe(ctx, status));
    }
  }

  /** Requests the HTTP codec rejected before routing: too long a request line or headers. */
  static void handleInvalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers too large";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    send(request.response(), status, message).onComplete(sent -> request.connection().close());
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
