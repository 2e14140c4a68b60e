package io.tandem.config;

import io.tandem.net.HttpSyntax;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The {@code fetcher} section: the fetcher verticle (no server of its own; it serves the bus).
 * Its instances coordinate the batches they receive, spreading the URLs over every instance in
 * the cluster that is a {@code worker}; a node with {@code worker: false} coordinates only (a
 * gateway whose fetching other nodes do).
 * The per-URL values are what a request gets when it does not say, and {@code maxBodyBytes}
 * is also the most a request may ask for, so memory stays bounded by concurrency × maxBodyBytes.
 */
public record FetcherSettings(
    boolean enabled,
    int instances,
    boolean worker,
    int maxUrls,
    int concurrency,
    int maxConcurrency,
    int timeoutMs,
    int deadlineMs,
    int maxBodyBytes,
    int maxRedirects,
    boolean allowPrivateNetworks,
    List<HostPattern> allowHosts,
    List<HostPattern> denyHosts,
    String downloadDir,
    int maxRequestBodyBytes,
    List<String> secretHeaders,
    boolean http2,
    String trustCaFile,
    int retryAttempts,
    List<String> retryOn,
    int retryBackoffMs,
    int retryMaxBackoffMs,
    boolean retryAfter,
    int maxRetryAttempts,
    int perHostConcurrency,
    int perHostDelayMs) {

  public static final String SECTION = "fetcher";

  public static final int DEFAULT_MAX_URLS = 10_000;
  public static final int DEFAULT_CONCURRENCY = 64;
  public static final int DEFAULT_MAX_CONCURRENCY = 1024;
  public static final int DEFAULT_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_DEADLINE_MS = 60_000;
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_REDIRECTS = 10;
  public static final String DEFAULT_DOWNLOAD_DIR = "downloads";
  public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;
  /** The most a host may be given at once by one batch ({@code perHost.concurrency}). */
  public static final int MAX_PER_HOST_CONCURRENCY = 64;
  /** The longest gap between two requests to one host ({@code perHost.delayMs}, and an adaptive slowdown). */
  public static final int MAX_PER_HOST_DELAY_MS = 60_000;
  public static final List<String> DEFAULT_RETRY_ON = List.of("connect", "reset", "timeout", "429", "502", "503", "504");
  private static final List<String> RETRY_KINDS = List.of("connect", "reset", "timeout", "dns", "io");

  private static final int HOUR_MS = 3_600_000;

  static FetcherSettings read(SectionReader reader, int defaultInstances) {
    FetcherSettings settings = new FetcherSettings(
        reader.bool(Listener.ENABLED, true),
        reader.integer(Listener.INSTANCES, defaultInstances, 1, Listener.MAX_INSTANCES),
        reader.bool("worker", true),
        reader.integer("maxUrls", DEFAULT_MAX_URLS, 1, 1_000_000),
        reader.integer("concurrency", DEFAULT_CONCURRENCY, 1, 100_000),
        reader.integer("maxConcurrency", DEFAULT_MAX_CONCURRENCY, 1, 100_000),
        reader.integer("timeoutMs", DEFAULT_TIMEOUT_MS, 1, HOUR_MS),
        reader.integer("deadlineMs", DEFAULT_DEADLINE_MS, 1, HOUR_MS),
        reader.integer("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 0, 1024 * 1024 * 1024),
        reader.integer("maxRedirects", DEFAULT_MAX_REDIRECTS, 0, 100),
        reader.bool("allowPrivateNetworks", false),
        reader.hosts("allowHosts"),
        reader.hosts("denyHosts"),
        reader.text("downloadDir", DEFAULT_DOWNLOAD_DIR),
        reader.integer("maxRequestBodyBytes", DEFAULT_MAX_REQUEST_BODY_BYTES, 0, 64 * 1024 * 1024),
        reader.strings("secretHeaders", List.of()),
        reader.bool("http2", true),
        reader.text("trustCaFile", null),
        reader.integer("retryAttempts", 0, 0, 100),
        reader.strings("retryOn", DEFAULT_RETRY_ON),
        reader.integer("retryBackoffMs", 200, 0, HOUR_MS),
        reader.integer("retryMaxBackoffMs", 5000, 0, HOUR_MS),
        reader.bool("retryAfter", true),
        reader.integer("maxRetryAttempts", 10, 0, 100),
        reader.integer("perHostConcurrency", 0, 0, MAX_PER_HOST_CONCURRENCY),
        reader.integer("perHostDelayMs", 0, 0, MAX_PER_HOST_DELAY_MS));
    reader.check(settings.retryAttempts <= settings.maxRetryAttempts, "retryAttempts",
        "must not exceed fetcher.maxRetryAttempts (" + settings.maxRetryAttempts + ")", settings.retryAttempts);
    reader.check(settings.retryBackoffMs <= settings.retryMaxBackoffMs, "retryBackoffMs",
        "must not exceed fetcher.retryMaxBackoffMs (" + settings.retryMaxBackoffMs + ")", settings.retryBackoffMs);
    for (String on : settings.retryOn) {
      reader.check(RETRY_KINDS.contains(on) || on.matches("[1-5][0-9][0-9]"), "retryOn",
          "must list failure kinds (" + String.join(", ", RETRY_KINDS) + ") and statuses 100..599", settings.retryOn);
    }
    for (String name : settings.secretHeaders) {
      reader.check(HttpSyntax.isToken(name), "secretHeaders", "must list header names", settings.secretHeaders);
    }
    reader.check(settings.concurrency <= settings.maxConcurrency, "concurrency",
        "must not exceed fetcher.maxConcurrency (" + settings.maxConcurrency + ")", settings.concurrency);
    reader.finish();
    return settings;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put(Listener.ENABLED, enabled)
        .put(Listener.INSTANCES, instances)
        .put("worker", worker)
        .put("maxUrls", maxUrls)
        .put("concurrency", concurrency)
        .put("maxConcurrency", maxConcurrency)
        .put("timeoutMs", timeoutMs)
        .put("deadlineMs", deadlineMs)
        .put("maxBodyBytes", maxBodyBytes)
        .put("maxRedirects", maxRedirects)
        .put("allowPrivateNetworks", allowPrivateNetworks)
        .put("allowHosts", new JsonArray(allowHosts.stream().map(HostPattern::toString).toList()))
        .put("denyHosts", new JsonArray(denyHosts.stream().map(HostPattern::toString).toList()))
        .put("downloadDir", downloadDir)
        .put("maxRequestBodyBytes", maxRequestBodyBytes)
        .put("secretHeaders", new JsonArray(secretHeaders))
        .put("http2", http2)
        .put("retryAttempts", retryAttempts)
        .put("retryOn", new JsonArray(retryOn))
        .put("retryBackoffMs", retryBackoffMs)
        .put("retryMaxBackoffMs", retryMaxBackoffMs)
        .put("retryAfter", retryAfter)
        .put("maxRetryAttempts", maxRetryAttempts)
        .put("perHostConcurrency", perHostConcurrency)
        .put("perHostDelayMs", perHostDelayMs);
    if (trustCaFile != null) {
      json.put("trustCaFile", trustCaFile);
    }
    return json;
  }
}
