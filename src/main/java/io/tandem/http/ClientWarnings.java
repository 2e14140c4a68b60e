package io.tandem.http;

import org.slf4j.Logger;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Client mistakes in the log: one WARN line a second per kind, with the remote address, never a stack trace. */
final class ClientWarnings {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Map<String, AtomicLong> LAST = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> SKIPPED = new ConcurrentHashMap<>();

  private ClientWarnings() {
  }

  static void warn(Logger log, String kind, SocketAddress remote, String detail) {
    long now = System.nanoTime();
    AtomicLong last = LAST.computeIfAbsent(kind, key -> new AtomicLong(now - INTERVAL_NANOS));
    AtomicLong skipped = SKIPPED.computeIfAbsent(kind, key -> new AtomicLong());
    long then = last.get();
    if (now - then >= INTERVAL_NANOS && last.compareAndSet(then, now)) {
      long more = skipped.getAndSet(0);
      String from = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : String.valueOf(remote);
      log.warn("{} from {}: {}{}", kind, from, detail, more == 0 ? "" : " (" + more + " more since the last such line)");
    } else {
      skipped.incrementAndGet();
    }
  }
}
