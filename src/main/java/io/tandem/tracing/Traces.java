package io.tandem.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.tandem.net.VertxInternals;
import io.vertx.core.Vertx;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;

import java.util.function.Consumer;

/**
 * The trace of the work at hand, carried to work Tandem hands to another event loop itself (a
 * URL job given to a fetching instance of this process without the bus) or does after Vert.x
 * has closed the span (the access line). Vert.x carries it wherever it dispatches — a bus
 * message, a timer, a callback — in the context's local data; a plain {@code runOnContext} on
 * another verticle's context would run without it.
 */
public final class Traces {

  private Traces() {
  }

  /**
   * The trace running now, to write something within it later (once Vert.x has closed the span,
   * say): the consumer runs what it is given with that trace current. Null when nothing is traced.
   */
  public static Consumer<Runnable> capture() {
    io.vertx.core.Context now = Vertx.currentContext();
    if (now == null || !VertxInternals.traced(now)) {
      return null;
    }
    Context current = VertxContextStorage.INSTANCE.current();
    if (current == null || current == Context.root()) {
      return null;
    }
    return work -> {
      try (Scope within = current.makeCurrent()) {
        work.run();
      }
    };
  }

  /**
   * Where to run the hand-over: {@code target} itself when nothing is traced, else a duplicate
   * of it (same event loop) holding the current trace.
   */
  public static io.vertx.core.Context following(io.vertx.core.Context target) {
    if (!VertxInternals.traced(target)) {
      return target;
    }
    Context current = VertxContextStorage.INSTANCE.current();
    if (current == null || current == Context.root()) {
      return target;
    }
    var duplicate = VertxInternals.duplicate(target);
    VertxContextStorage.INSTANCE.attach(duplicate, current);
    return duplicate;
  }
}
