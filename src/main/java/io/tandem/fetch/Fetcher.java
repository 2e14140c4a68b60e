package io.tandem.fetch;

import io.netty.util.NetUtil;
import io.tandem.config.FetcherSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.tandem.net.VertxInternals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.http.HttpConnection;

import java.net.InetAddress;
import java.util.Collections;
import java.util.WeakHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.net.UnknownHostException;

/**
 * What every fetch of one fetcher instance shares: one HTTP client whose connection pool is sized
 * for the instance's {@code maxConcurrency} (keep-alive connections are reused per origin), the
 * name resolver, the address policy and the limits. Redirects are followed by {@link UrlFetch}
 * itself, so that every hop passes the policy.
 */
final class Fetcher {

  private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
  /** What origins commonly allow (SETTINGS_MAX_CONCURRENT_STREAMS): how many requests share an HTTP/2 connection. */
  private static final int STREAMS_PER_CONNECTION = 100;

  final Vertx vertx;
  /** For http URLs (HTTP/1.1), and for https ones too when fetcher.http2 is off. */
  final HttpClientAgent client;
  /** For https URLs: HTTP/2 through ALPN, HTTP/1.1 when the origin offers no more. */
  final HttpClientAgent tlsClient;
  final AddressPolicy policy;
  final FetchMeters meters;
  final int maxRedirects;
  final String downloadDir;
  /** fetcher.secretHeaders, lower case: kept back from another origin on a redirect. */
  final Set<String> secretHeaders;
  /** The connections a request has had, weakly: a closed one goes with its pool's reference. */
  private final Set<HttpConnection> used = Collections.newSetFromMap(new WeakHashMap<>());

  Fetcher(Vertx vertx, FetcherSettings settings) {
    this.vertx = vertx;
    this.policy = new AddressPolicy(settings);
    this.meters = FetchMeters.of(vertx);
    this.maxRedirects = settings.maxRedirects();
    this.downloadDir = settings.downloadDir();
    this.secretHeaders = settings.secretHeaders().stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.client = client(vertx, options(settings), settings);
    // https: HTTP/2 when the origin offers it through ALPN, else HTTP/1.1; in clear always
    // HTTP/1.1 (an h2c upgrade on every plain request would cost a header and buy nothing).
    // Options of its own: building a client writes its ALPN protocols into its options' TLS
    // options (http/1.1 for the first client), and a copy of them would offer only that
    this.tlsClient = settings.http2()
        ? client(vertx, options(settings).setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true)
            .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)).setHttp2ClearTextUpgrade(false), settings)
        : client;
  }

  private static HttpClientOptions options(FetcherSettings settings) {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        // gzip and deflate are decoded by the fetch itself (Inflating), to the cap and no
        // further: Vert.x's decompressor would inflate each network chunk whole
        .setDecompressionSupported(false)
        .setVerifyHost(true);
    if (settings.trustCaFile() != null) {
      options.setTrustOptions(TrustedAuthorities.jdkAnd(settings.trustCaFile()));
    }
    return options;
  }

  private static HttpClientAgent client(Vertx vertx, HttpClientOptions options, FetcherSettings settings) {
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(settings.maxConcurrency());
    if (options.getProtocolVersion() == HttpVersion.HTTP_2) {
      // an origin allows ~100 streams a connection: enough connections for maxConcurrency
      pool.setHttp2MaxSize(Math.max(1, settings.maxConcurrency() / STREAMS_PER_CONNECTION));
    }
    return vertx.httpClientBuilder()
        .with(options)
        .with(pool)
        // an origin that resets or answers garbage is that URL's result, not an ERROR in the log
        .withConnectHandler(connection -> connection.exceptionHandler(err ->
            log.debug("connection to {}: {}", connection.remoteAddress(), err.toString())))
        .build();
  }

  /**
   * A fetch of one URL, not yet started.
   *
   * @param deadlineMs what is left of its batch's deadline ({@link Long#MAX_VALUE}: none of its own)
   */
  UrlFetch fetch(int index, String url, Outgoing outgoing, UrlOptions options, boolean keepBody, long deadlineMs) {
    return new UrlFetch(this, index, url, outgoing, options, keepBody, deadlineMs, false, null);
  }

  /** A URL job's fetch: it may go on from where a redirect left it, and hand back a redirect to another host. */
  UrlFetch fetch(UrlJob job, long deadlineMs) {
    return new UrlFetch(this, job.index(), job.url(), job.outgoing(), job.options(), false, deadlineMs, job.hostBound(), job.resume());
  }

  /** Whether a request is the first to get this connection: its wait was a connect (timings' connectMs). */
  boolean firstUse(HttpConnection connection) {
    return used.add(connection);
  }

  /** The address to connect to: an IP literal as is, a name through Vert.x's asynchronous resolver. */
  Future<InetAddress> resolve(String host) {
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
    if (literal != null) {
      try {
        return Future.succeededFuture(InetAddress.getByAddress(host, literal));
      } catch (UnknownHostException e) {
        return Future.failedFuture(e);
      }
    }
    return VertxInternals.resolve(vertx, host);
  }

  Future<Void> close() {
    return tlsClient == client ? client.close() : Future.all(client.close(), tlsClient.close()).mapEmpty();
  }
}
