package io.tandem.fetch;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Which {@link Kind} a failure of the HTTP client or the file system is, with a message for the result. */
final class FailureKinds {

  /** A classified failure. */
  record Failure(Kind kind, String message) {
  }

  private FailureKinds() {
  }

  /** The first cause in the chain that says what happened decides; anything else is {@code io}. */
  static Failure classify(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      Kind kind = kindOf(cause);
      if (kind != null) {
        return new Failure(kind, message(cause));
      }
    }
    if (error instanceof DecoderException || error instanceof IllegalArgumentException) {
      // what Netty's HTTP codec throws for an answer it cannot parse (e.g. "invalid version format")
      return new Failure(Kind.IO, "not a valid HTTP answer: " + message(error));
    }
    return new Failure(Kind.IO, message(error));
  }

  // the order matters: a connect timeout is a ConnectException, which is a SocketException
  private static Kind kindOf(Throwable cause) {
    if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException) {
      return Kind.TIMEOUT;
    }
    if (cause instanceof UnknownHostException) {
      return Kind.DNS;
    }
    if (cause instanceof ConnectException || cause instanceof NoRouteToHostException || cause instanceof SSLException) {
      return Kind.CONNECT;
    }
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException || cause instanceof SocketException) {
      return Kind.RESET;
    }
    if (cause instanceof IOException && message(cause).toLowerCase(Locale.ROOT).contains("reset")) {
      return Kind.RESET;
    }
    return null;
  }

  private static String message(Throwable cause) {
    String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    return cause instanceof SSLException ? "TLS: " + message : message;
  }
}
