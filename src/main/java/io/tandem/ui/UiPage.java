package io.tandem.ui;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The browser page at {@code /ui/}: the chat's rooms, a fetch panel and the TCP echo's line view,
 * all speaking the SockJS bridge's raw WebSocket ({@code /eventbus/websocket}).
 *
 * <p>Its few files sit in the jar next to this class and are served from memory, not through a
 * StaticHandler: the set is fixed, so there is no path to resolve (nothing to traverse, no file
 * in the working directory that could stand in for one) and nothing extracted to a file cache.
 * Each answer carries an ETag of the file's content and {@code Cache-Control: no-cache}, so a
 * browser revalidates with a 304 and never keeps an old script after an upgrade. The files are
 * read on the first request, on a worker: start-up pays nothing for a page most runs never open.
 */
public final class UiPage {

  /** The page's files, by the name the browser asks for, with their media types. */
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "ui.css", "text/css; charset=utf-8",
      "ui.js", "text/javascript; charset=utf-8",
      "chat.js", "text/javascript; charset=utf-8",
      "eventbus.js", "text/javascript; charset=utf-8");

  /**
   * Only this page's own files, and the bridge on the same origin; no inline script, so text a chat
   * or TCP client types can never run as code even if it reached the page's markup.
   */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Vertx vertx;
  private Future<Map<String, Asset>> assets;

  private UiPage(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Serves the page under {@code /ui/} (and sends {@code /ui} there). */
  public static void mount(Router router, Vertx vertx) {
    UiPage page = new UiPage(vertx);
    // the route matches /ui too
    router.route("/ui/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(page::serve);
  }

  private void serve(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.startsWith("/ui/")) {
      // relative, so the redirect also holds behind a proxy that mounts Tandem under a prefix
      ctx.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, "ui/").end();
      return;
    }
    String name = path.substring("/ui/".length());
    String file = name.isEmpty() ? "index.html" : name;
    if (!FILES.containsKey(file)) {
      ctx.next(); // the router's 404
      return;
    }
    assets().onComplete(loaded -> {
      if (loaded.failed()) {
        ctx.fail(loaded.cause());
      } else {
        send(ctx, loaded.result().get(file));
      }
    });
  }

  private static void send(RoutingContext ctx, Asset asset) {
    HttpServerResponse response = ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.ETAG, asset.etag())
        .putHeader("X-Content-Type-Options", "nosniff");
    if (asset.type().startsWith("text/html")) {
      response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY).putHeader("Referrer-Policy", "no-referrer");
    }
    String validators = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (validators != null && (validators.contains(asset.etag()) || validators.trim().equals("*"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.type());
    if (ctx.request().method() == HttpMethod.HEAD) {
      // Vert.x leaves the length out of a HEAD answer unless it is set
      response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(asset.bytes().length())).end();
    } else {
      response.end(asset.bytes());
    }
  }

  /** The files, read once; a failed read is tried again on the next request. */
  private Future<Map<String, Asset>> assets() {
    if (assets == null || assets.failed()) {
      assets = vertx.executeBlocking(UiPage::read, false);
    }
    return assets;
  }

  private static Map<String, Asset> read() {
    Map<String, Asset> read = new HashMap<>();
    FILES.forEach((file, type) -> {
      try (InputStream in = UiPage.class.getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("the jar lacks the page's file " + file);
        }
        byte[] bytes = in.readAllBytes();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        read.put(file, new Asset(Buffer.buffer(bytes), type, "\"" + Long.toHexString(crc.getValue()) + "\""));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return Map.copyOf(read);
  }

  private record Asset(Buffer bytes, String type, String etag) {
  }
}
