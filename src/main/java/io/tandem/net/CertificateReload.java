package io.tandem.net;

import io.tandem.config.ConfigException;
import io.tandem.config.TlsSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.FileSystem;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.shareddata.Shareable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A renewed certificate without a restart: every {@code tls.reloadSeconds} the {@code tls}
 * section's files are looked at (their size and time, without reading them, off the event loop);
 * when one has changed, all of them are read and checked as at start-up ({@link TlsFiles#check})
 * on a worker, and every TLS listener is given the checked bytes through Vert.x's
 * {@code updateSSLOptions}. New handshakes get the new certificate; connections already open keep
 * theirs. A change that does not pass the check (a key written after its certificate, a file
 * half-copied, an expired certificate) is one WARN line, and the listeners keep what they have;
 * the next change is checked again.
 *
 * <p>One per process, started by the launcher's main verticle; the listeners' verticles register
 * their servers. Thread-safe: registrations come from every event loop.
 */
public final class CertificateReload implements Shareable {

  private static final Logger log = LoggerFactory.getLogger(CertificateReload.class);
  private static final String MAP = "tandem.tls";
  private static final String KEY = "reload";

  /** A listener's server: its TLS options as they are, and how it takes new ones. */
  private record Listener(Context context, ServerSSLOptions options, Function<ServerSSLOptions, Future<Boolean>> update) {
  }

  private final Vertx vertx;
  private final TlsSettings tls;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /** The files' size and time as last looked at; touched by the timer's context only. */
  private List<String> seen;

  private CertificateReload(Vertx vertx, TlsSettings tls) {
    this.vertx = vertx;
    this.tls = tls;
  }

  /**
   * Starts looking at the files, on the caller's context (which must live as long as the
   * listeners), when {@code tls.reloadSeconds} is not 0.
   */
  public static Future<Void> start(Vertx vertx, TlsSettings tls) {
    if (tls.reloadSeconds() == 0 || !tls.configured()) {
      return Future.succeededFuture();
    }
    CertificateReload reload = new CertificateReload(vertx, tls);
    vertx.sharedData().getLocalMap(MAP).put(KEY, reload);
    return reload.stamps().map(stamps -> {
      reload.seen = stamps;
      vertx.setPeriodic(tls.reloadSeconds() * 1000L, tick -> reload.look());
      return null;
    });
  }

  /**
   * Has a TLS listener's server given each new certificate, when a reload was started; call from
   * the verticle that owns the server. Returns what to run when the server stops.
   */
  public static Runnable register(Vertx vertx, ServerSSLOptions options, Function<ServerSSLOptions, Future<Boolean>> update) {
    CertificateReload reload = (CertificateReload) vertx.sharedData().getLocalMap(MAP).get(KEY);
    if (reload == null) {
      return () -> { };
    }
    Listener listener = new Listener(vertx.getOrCreateContext(), options.copy(), update);
    reload.listeners.add(listener);
    return () -> reload.listeners.remove(listener);
  }

  private void look() {
    stamps().onSuccess(now -> {
      if (now.equals(seen)) {
        return;
      }
      seen = now;
      // ordered: two changes in a row are checked, and given, in the order they were seen
      vertx.executeBlocking(() -> TlsFiles.check(tls), true).onComplete(checked -> {
        if (checked.succeeded()) {
          give(checked.result());
        } else {
          String why = checked.cause() instanceof ConfigException config ? config.getMessage() : String.valueOf(checked.cause());
          log.warn("tls: a changed certificate was not taken: {}; the listeners keep the one they have", why);
        }
      });
    });
  }

  private void give(TlsFiles.Pem pem) {
    List<Future<Boolean>> updates = new ArrayList<>();
    for (Listener listener : listeners) {
      ServerSSLOptions next = TlsFiles.with(listener.options(), pem);
      updates.add(Future.future(promise -> listener.context().runOnContext(go -> listener.update().apply(next).onComplete(promise))));
    }
    Future.all(updates).onComplete(done -> {
      if (done.succeeded()) {
        log.info("tls: new certificate taken by {} listener{}: {}, valid until {}", updates.size(), updates.size() == 1 ? "" : "s",
            pem.certificate().getSubjectX500Principal().getName(), pem.certificate().getNotAfter().toInstant());
      } else {
        log.warn("tls: a listener could not take the new certificate: {}", done.cause().getMessage());
      }
    });
  }

  /** Each file's size and modification time (or that it cannot be looked at), in order; never fails. */
  private Future<List<String>> stamps() {
    FileSystem files = vertx.fileSystem();
    List<Future<String>> stamps = new ArrayList<>();
    for (String file : new String[] {tls.certFile(), tls.keyFile(), tls.clientCaFile()}) {
      if (file != null) {
        stamps.add(files.props(file).map(CertificateReload::stamp).otherwise(err -> "unreadable " + file));
      }
    }
    return Future.all(stamps).map(all -> all.<String>list().stream().map(Objects::toString).toList());
  }

  private static String stamp(FileProps props) {
    return props.size() + "@" + props.lastModifiedTime();
  }
}
