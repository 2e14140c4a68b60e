package io.tandem.http;

import io.tandem.net.LogLimit;
import org.slf4j.Logger;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Client mistakes in the log: one WARN line a second per kind, with the remote address, never a stack trace. */
final class ClientWarnings {

  private static final Map<String, LogLimit> LIMITS = new ConcurrentHashMap<>();

  private ClientWarnings() {
  }

  static void warn(Logger log, String kind, SocketAddress remote, String detail) {
    LogLimit limit = LIMITS.computeIfAbsent(kind, key -> new LogLimit());
    if (limit.allows()) {
      String from = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(remote);
      log.warn("{} from {}: {}{}", kind, from, detail, limit.heldBackNote());
    }
  }
}
