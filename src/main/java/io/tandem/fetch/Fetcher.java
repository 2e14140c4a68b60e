package io.tandem.fetch;

import io.netty.util.NetUtil;
import io.tandem.config.FetcherSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.tandem.net.VertxInternals;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
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

  final Vertx vertx;
  final HttpClientAgent client;
  final AddressPolicy policy;
  final int maxRedirects;
  final String downloadDir;
  /** fetcher.secretHeaders, lower case: kept back from another origin on a redirect. */
  final Set<String> secretHeaders;

  Fetcher(Vertx vertx, FetcherSettings settings) {
    this.vertx = vertx;
    this.policy = new AddressPolicy(settings);
    this.maxRedirects = settings.maxRedirects();
    this.downloadDir = settings.downloadDir();
    this.secretHeaders = settings.secretHeaders().stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setKeepAlive(true)
            // gzip and deflate are decoded by the fetch itself (Inflating), to the cap and no
            // further: Vert.x's decompressor would inflate each network chunk whole
            .setDecompressionSupported(false)
            .setVerifyHost(true))
        .with(new PoolOptions().setHttp1MaxSize(settings.maxConcurrency()))
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
    return new UrlFetch(this, index, url, outgoing, options, keepBody, deadlineMs);
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
    return client.close();
  }
}
