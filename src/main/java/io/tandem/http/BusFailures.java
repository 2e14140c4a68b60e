package io.tandem.http;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.handler.HttpException;

/**
 * Maps a failed bus request to the HTTP answer, in one place: a consumer's
 * {@code fail(code, message)} passes through when the code is an HTTP error status, no handler
 * is 503, a timeout is 504.
 */
final class BusFailures {

  private BusFailures() {
  }

  static HttpException toHttp(Throwable failure, String address) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> new HttpException(503, "no service is answering on " + address);
        case TIMEOUT -> new HttpException(504, address + " did not answer in time");
        case RECIPIENT_FAILURE -> {
          int code = reply.failureCode();
          yield new HttpException(code >= 400 && code <= 599 ? code : 502,
              reply.getMessage() != null ? reply.getMessage() : address + " failed");
        }
        default -> new HttpException(502, address + ": " + reply.getMessage());
      };
    }
    return new HttpException(500, "internal error", failure);
  }
}
