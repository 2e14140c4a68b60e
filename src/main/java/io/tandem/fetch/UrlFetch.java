package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One URL: resolve, check, connect to the checked address, follow redirects (each hop checked
 * again), read the body to the cap, all within one deadline from start to last byte. It always
 * ends with exactly one result, whatever the origin does; {@link #stop} ends it early (the batch's
 * deadline, a cancel). Confined to the fetcher instance's event loop.
 */
final class UrlFetch {

  private static final CharSequence ACCEPTED_ENCODINGS = HttpHeaders.createOptimized("gzip, deflate");
  /** A redirect's own body is read (so the connection can be reused) up to this, else cut. */
  private static final int MAX_REDIRECT_BODY_BYTES = 64 * 1024;

  private final Fetcher fetcher;
  private final int index;
  private final String url;
  /** What this hop sends: the caller's, then as each redirect leaves it. */
  private Outgoing sending;
  private final UrlOptions options;
  private final boolean keepBody;
  /** What is left of the batch's deadline: the fetch ends by then too, as {@code deadline}. */
  private final long deadlineMs;
  /** A redirect to another host ends this fetch as a {@link Resume} for the batch's coordinator. */
  private final boolean hostBound;
  /** Where this fetch goes on from, or null; its time so far counts in timeoutMs and elapsedMs. */
  private final Resume resume;
  private final long spentMs;
  private final Promise<JsonObject> outcome = Promise.promise();
  private final long started = System.nanoTime();
  private final List<String> redirects = new ArrayList<>();
  private long timer = -1;
  private HttpClientRequest request;
  private BodySink body;
  /** The body's decoder when it is gzip or deflate and decompress is on; else null. */
  private Inflating inflating;
  private String contentEncoding;
  /** The final answer's Retry-After, for the retry rule; null when it had none. */
  private String retryAfter;
  private long wireBytes;
  private Download download;
  private Integer status;
  private String contentType;
  /** Time spent obtaining new connections, over every hop; when the final answer's headers came. */
  private long connectNanos;
  private long headersAt = -1;
  private boolean done;

  UrlFetch(Fetcher fetcher, int index, String url, Outgoing outgoing, UrlOptions options, boolean keepBody, long deadlineMs,
           boolean hostBound, Resume resume) {
    this.fetcher = fetcher;
    this.index = index;
    this.url = url;
    this.sending = outgoing;
    this.options = options;
    this.keepBody = keepBody;
    this.deadlineMs = deadlineMs;
    this.hostBound = hostBound;
    this.resume = resume;
    this.spentMs = resume == null ? 0 : resume.spentMs();
    if (resume != null) {
      redirects.addAll(resume.redirects());
      connectNanos = TimeUnit.MILLISECONDS.toNanos(resume.connectMs());
    }
  }

  Future<JsonObject> start() {
    long timeoutLeft = Math.max(1, options.timeoutMs() - spentMs);
    boolean deadlineFirst = deadlineMs < timeoutLeft;
    timer = fetcher.vertx.setTimer(deadlineFirst ? deadlineMs : timeoutLeft, fired -> {
      timer = -1;
      if (deadlineFirst) {
        fail(Kind.DEADLINE, Batch.DEADLINE_PASSED);
      } else {
        fail(Kind.TIMEOUT, "no complete answer within " + options.timeoutMs() + " ms");
      }
    });
    URI uri;
    try {
      uri = Urls.parse(resume == null ? url : resume.at());
    } catch (Urls.InvalidUrl e) {
      fail(Kind.INVALID_URL, e.getMessage());
      return outcome.future();
    }
    hop(uri);
    return outcome.future();
  }

  /** Ends the fetch now with {@code kind}, unless it has already ended. */
  void stop(Kind kind, String message) {
    fail(kind, message);
  }

  /** The final answer's {@code Retry-After}, or null. */
  String retryAfter() {
    return retryAfter;
  }

  /** What this fetch sent last (after its redirects): the method a retry rule judges. */
  Outgoing sent() {
    return sending;
  }

  /** The body read, when kept; for reading a chain's next link. */
  Buffer body() {
    return body == null ? null : body.kept();
  }

  private void hop(URI uri) {
    if (!Urls.isHttp(uri)) {
      fail(Kind.BLOCKED, "only http and https URLs are fetched, not " + uri.getScheme());
      return;
    }
    String host = Urls.host(uri);
    String refused = fetcher.policy.checkName(host);
    if (refused != null) {
      fail(Kind.BLOCKED, refused);
      return;
    }
    fetcher.resolve(host).onComplete(resolved -> {
      if (done) {
        return;
      }
      if (resolved.failed()) {
        fail(Kind.DNS, "cannot resolve " + host + ": " + resolved.cause().getMessage());
        return;
      }
      InetAddress address = resolved.result();
      String blocked = fetcher.policy.check(host, address);
      if (blocked != null) {
        fail(Kind.BLOCKED, blocked);
        return;
      }
      connect(uri, host, address);
    });
  }

  private void connect(URI uri, String host, InetAddress address) {
    int port = Urls.port(uri);
    RequestOptions target = new RequestOptions()
        // the checked address, not the name: a second DNS answer cannot send us elsewhere
        .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
        .setHost(host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        .setPort(port)
        .setSsl(Urls.isHttps(uri))
        .setURI(Urls.requestTarget(uri))
        .setFollowRedirects(false)
        .setConnectTimeout(Math.max(1, Math.min(options.connectTimeoutMs(), options.timeoutMs() - elapsedMs())))
        .putHeader(HttpHeaders.USER_AGENT, UserAgent.VALUE);
    if (options.decompress()) {
      // decoded here, to the cap and no further (Inflating); a caller's own Accept-Encoding wins
      target.putHeader(HttpHeaders.ACCEPT_ENCODING, ACCEPTED_ENCODINGS);
    }
    Outgoing outgoing = sending;
    outgoing.applyTo(target); // the method, and the caller's headers (a User-Agent of its own wins)
    long connecting = System.nanoTime();
    (Urls.isHttps(uri) ? fetcher.tlsClient : fetcher.client).request(target).onComplete(connected -> {
      if (connected.failed()) {
        connectNanos += System.nanoTime() - connecting;
        fail(connected.cause());
        return;
      }
      request = connected.result();
      if (fetcher.firstUse(request.connection())) {
        connectNanos += System.nanoTime() - connecting;
      }
      if (done) {
        request.reset();
        return;
      }
      (outgoing.body() == null ? request.send() : request.send(outgoing.body())).onComplete(answered -> {
        if (answered.failed()) {
          fail(answered.cause());
        } else if (!done) {
          respond(uri, answered.result());
        }
      });
    });
  }

  private void respond(URI uri, HttpClientResponse response) {
    response.exceptionHandler(this::fail);
    String location = response.getHeader(HttpHeaders.LOCATION);
    if (isRedirect(response.statusCode()) && location != null) {
      redirect(uri, location, response);
      return;
    }
    headersAt = System.nanoTime();
    status = response.statusCode();
    contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
    contentEncoding = response.getHeader(HttpHeaders.CONTENT_ENCODING);
    retryAfter = response.getHeader(HttpHeaders.RETRY_AFTER);
    inflating = options.decompress() ? Inflating.of(contentEncoding) : null;
    body = new BodySink(options.maxBodyBytes(), keepBody || options.keepsBody(), options.sha256());
    if (!options.save()) {
      read(response);
      return;
    }
    response.pause();
    Download.open(fetcher.vertx, fetcher.downloadDir, url).onComplete(opened -> {
      if (opened.failed()) {
        fail(Kind.IO, "cannot save the body: " + opened.cause().getMessage());
        return;
      }
      download = opened.result();
      if (done) {
        download.abandon();
        return;
      }
      read(response);
      response.resume();
    });
  }

  private void read(HttpClientResponse response) {
    response.handler(chunk -> {
      if (done) {
        return;
      }
      wireBytes += chunk.length();
      Buffer part;
      try {
        part = inflating == null ? body.take(chunk) : inflating.feed(chunk, body);
      } catch (Inflating.Broken broken) {
        fail(Kind.IO, broken.getMessage());
        return;
      }
      if (download != null && part.length() > 0) {
        download.write(part, response).onFailure(err -> fail(Kind.IO, "cannot save the body: " + err.getMessage()));
      }
      if (body.truncated()) {
        succeed();
        // the cap: cut the transfer itself, not just stop listening to it
        request.reset();
      }
    });
    response.endHandler(ended -> {
      if (inflating != null && !inflating.complete() && !body.truncated()) {
        fail(Kind.IO, "the body's " + contentEncoding + " encoding ends before its end");
      } else {
        succeed();
      }
    });
  }

  private void redirect(URI from, String location, HttpClientResponse response) {
    if (redirects.size() >= fetcher.maxRedirects) {
      fail(Kind.TOO_MANY_REDIRECTS, "more than " + fetcher.maxRedirects + " redirects (fetcher.maxRedirects)");
      return;
    }
    URI next;
    try {
      next = Urls.resolve(from, location);
    } catch (Urls.InvalidUrl e) {
      fail(Kind.INVALID_URL, "redirect to " + e.getMessage());
      return;
    }
    redirects.add(next.toString());
    sending = sending.redirected(response.statusCode(), Urls.sameOrigin(from, next), fetcher.secretHeaders);
    HttpClientRequest answered = request;
    long[] drained = {0};
    boolean[] moved = {false};
    boolean toAnotherHost = hostBound && !Urls.sameHost(from, next);
    Runnable follow = () -> {
      if (!moved[0] && !done) {
        moved[0] = true;
        if (toAnotherHost) {
          handBack(next);
        } else {
          hop(next);
        }
      }
    };
    response.handler(chunk -> {
      drained[0] += chunk.length();
      if (drained[0] > MAX_REDIRECT_BODY_BYTES && !moved[0]) {
        // too much to read just to reuse the connection: cut it; that reset is ours, not a failure
        response.exceptionHandler(ignored -> { });
        follow.run();
        answered.reset();
      }
    });
    response.endHandler(ended -> follow.run());
  }

  /** Ends this fetch with the URL's way on, for its coordinator to queue at {@code next}'s host. */
  private void handBack(URI next) {
    done = true;
    cancelTimer();
    Resume way = new Resume(next.toString(), List.copyOf(redirects), elapsedMs(), TimeUnit.NANOSECONDS.toMillis(connectNanos));
    outcome.complete(Resume.move(index, url, way, sending));
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private void succeed() {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    endInflating();
    JsonObject result = base()
        .put(FetchMessages.OK, status >= 200 && status < 300)
        .put(FetchMessages.STATUS, status)
        .put(FetchMessages.BYTES, body.bytes())
        .put(FetchMessages.TRUNCATED, body.truncated());
    if (contentEncoding != null) {
      result.put(FetchMessages.CONTENT_ENCODING, contentEncoding).put(FetchMessages.WIRE_BYTES, wireBytes);
    }
    result.put(FetchMessages.PROTOCOL, request.version() == HttpVersion.HTTP_2 ? FetchMessages.H2 : FetchMessages.HTTP_1_1);
    String sha256 = body.sha256();
    if (sha256 != null) {
      result.put(FetchMessages.SHA256, sha256);
    }
    if (contentType != null) {
      result.put(FetchMessages.CONTENT_TYPE, contentType);
    }
    if (options.body().equals(FetchMessages.BODY_TEXT)) {
      result.put(FetchMessages.BODY, body.kept().toString(charset(contentType)));
    } else if (options.body().equals(FetchMessages.BODY_BASE64)) {
      result.put(FetchMessages.BODY, Base64.getEncoder().encodeToString(body.kept().getBytes()));
    }
    if (download == null) {
      outcome.complete(ended(result));
      return;
    }
    download.commit().onComplete(saved -> {
      if (saved.succeeded()) {
        outcome.complete(ended(result.put(FetchMessages.FILE, saved.result())));
      } else {
        outcome.complete(failure(Kind.IO, "cannot save the body: " + saved.cause().getMessage()));
      }
    });
  }

  private void fail(Throwable error) {
    FailureKinds.Failure failure = FailureKinds.classify(error);
    fail(failure.kind(), failure.message());
  }

  private void fail(Kind kind, String message) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    endInflating();
    if (request != null) {
      request.reset();
    }
    if (download != null) {
      download.abandon();
    }
    outcome.complete(failure(kind, message));
  }

  private JsonObject failure(Kind kind, String message) {
    JsonObject result = base().put(FetchMessages.OK, false);
    if (status != null) {
      result.put(FetchMessages.STATUS, status);
    }
    if (contentType != null) {
      result.put(FetchMessages.CONTENT_TYPE, contentType);
    }
    return ended(result).put(FetchMessages.ERROR, Results.error(kind, message));
  }

  /** The result with where the time went: elapsedMs, and when asked its timings (queuedMs is the job's to say). */
  private JsonObject ended(JsonObject result) {
    long total = elapsedMs();
    if (!options.timings()) {
      return result.put(FetchMessages.ELAPSED_MS, total);
    }
    JsonObject timings = new JsonObject()
        .put(FetchMessages.QUEUED_MS, 0)
        .put(FetchMessages.CONNECT_MS, TimeUnit.NANOSECONDS.toMillis(connectNanos));
    if (headersAt >= 0) {
      timings.put(FetchMessages.TTFB_MS, spentMs + TimeUnit.NANOSECONDS.toMillis(headersAt - started));
    }
    return result.put(FetchMessages.ELAPSED_MS, total).put(FetchMessages.TIMINGS, timings.put(FetchMessages.TOTAL_MS, total));
  }

  private JsonObject base() {
    JsonObject result = new JsonObject().put(FetchMessages.INDEX, index).put(FetchMessages.URL, url);
    if (!redirects.isEmpty()) {
      result.put(FetchMessages.REDIRECTS, new JsonArray(new ArrayList<>(redirects)));
    }
    return result;
  }

  private void endInflating() {
    if (inflating != null) {
      inflating.end();
      inflating = null;
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      fetcher.vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Since the URL's start: this fetch's time, and before a handed-back redirect the time it had spent. */
  private long elapsedMs() {
    return spentMs + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /** The charset the answer declares, UTF-8 when it declares none or one Java does not know. */
  static Charset charset(String contentType) {
    if (contentType != null) {
      for (String parameter : contentType.split(";")) {
        String[] pair = parameter.strip().split("=", 2);
        if (pair.length == 2 && pair[0].strip().toLowerCase(Locale.ROOT).equals("charset")) {
          try {
            return Charset.forName(pair[1].strip().replace("\"", ""));
          } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }
}
