package io.tandem.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The {@code auth} section: who may use what. With a {@code tokensFile}, every HTTP endpoint but
 * the public ones wants a bearer token whose principal holds it. Without one, protected mode (the
 * default) serves the endpoints that act — the fetcher, the echo, broadcasts, the bus — only to
 * clients on this machine, as Redis's protected mode does: a service reachable from the network
 * but configured by nobody must not become everybody's proxy. Turning it off is explicit and
 * logged at start-up.
 *
 * @param tokensFile   the principals file (see {@code auth/TokensFile}), null for none
 * @param publicHttp   endpoints open to everyone whatever the mode ({@link #ENDPOINTS} names them)
 */
public record AuthSettings(String tokensFile, boolean protectedMode, List<String> publicHttp) {

  public static final String SECTION = "auth";

  public static final String GET_ROOT = "GET /";
  public static final String GET_HELLO = "GET /hello";
  public static final String POST_ECHO = "POST /echo";
  public static final String POST_BROADCAST = "POST /tcp/broadcast";
  public static final String POST_FETCH = "POST /fetch";
  public static final String POST_FETCH_CHAIN = "POST /fetch/chain";
  public static final String EVENTBUS = "GET /eventbus";
  public static final String GET_UI = "GET /ui";
  /** The meters, at {@code metrics.path} whatever it is. */
  public static final String GET_METRICS = "GET /metrics";
  /**
   * The HTTP endpoints a permission can name; {@code GET /hello} covers {@code /hello/{name}},
   * {@code GET /eventbus} every request of the SockJS bridge. {@code /health} and {@code /ready}
   * are always open (load balancers ask them) and named nowhere, as are {@code /openapi.json} and
   * {@code /openapi/bus.json} (the API's description, which holds nothing of a deployment).
   */
  public static final List<String> ENDPOINTS = List.of(GET_ROOT, GET_HELLO, POST_ECHO, POST_BROADCAST, POST_FETCH,
      POST_FETCH_CHAIN, EVENTBUS, GET_UI, GET_METRICS);
  /** The demo's greetings and the page's static files: they act on nothing. */
  public static final List<String> DEFAULT_PUBLIC_HTTP = List.of(GET_ROOT, GET_HELLO, GET_UI);

  static AuthSettings read(SectionReader reader) {
    AuthSettings settings = new AuthSettings(
        reader.text("tokensFile", null),
        reader.bool("protectedMode", true),
        reader.strings("publicHttp", DEFAULT_PUBLIC_HTTP));
    for (String endpoint : settings.publicHttp) {
      reader.check(ENDPOINTS.contains(endpoint), "publicHttp", "must list endpoints among " + String.join(", ", ENDPOINTS), endpoint);
    }
    reader.finish();
    return settings;
  }

  /** Whether anybody on the network may use every endpoint: no tokens, protected mode off. */
  public boolean open() {
    return tokensFile == null && !protectedMode;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (tokensFile != null) {
      json.put("tokensFile", tokensFile);
    }
    return json.put("protectedMode", protectedMode).put("publicHttp", new JsonArray(publicHttp));
  }
}
