package io.tandem.net;

import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * What a listener does with an error on a connection not yet handed over: on a TLS listener,
 * nearly always a failed handshake (a client that does not trust the certificate, speaks in
 * clear, offers no common protocol, or has no client certificate under mutual TLS). Client
 * trouble, so never Vert.x's default ERROR with a stack trace: one WARN line a second per
 * listener, the reason without the trace; anything else at DEBUG (a reset during the handshake).
 */
public final class HandshakeFailures {

  private static final Logger log = LoggerFactory.getLogger(HandshakeFailures.class);
  private static final Map<String, LogLimit> LIMITS = new ConcurrentHashMap<>();

  private HandshakeFailures() {
  }

  /** The handler for a listener's {@code exceptionHandler}; {@code section} names it in the log. */
  public static Handler<Throwable> of(String section) {
    LogLimit limit = LIMITS.computeIfAbsent(section, key -> new LogLimit()); // one for a listener's every instance
    return failure -> {
      SSLException tls = tlsCause(failure);
      if (tls == null) {
        // the class only: a message may quote what the client sent (an HTTP/1 request line on an h2 connection)
        log.debug("{} connection failed before it was set up: {}", section, failure.getClass().getName());
      } else if (limit.allows()) {
        log.warn("{} TLS handshake failed: {}{}", section, reason(tls), limit.heldBackNote());
      }
    };
  }

  /** Netty's own message for a client in clear is a hex dump of what it sent: perhaps a token, never logged. */
  private static String reason(SSLException tls) {
    return tls instanceof NotSslRecordException ? "the client does not speak TLS" : tls.getMessage();
  }

  private static SSLException tlsCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException tls) {
        return tls;
      }
    }
    return null;
  }
}
