package io.tandem.fetch;

import io.tandem.bus.BusException;
import io.tandem.bus.FetchMessages;
import io.tandem.bus.RequestReader;
import io.tandem.net.HttpSyntax;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What is sent to a URL besides the URL: the method, the caller's headers and a body. Read and
 * checked here, the one place, wherever it comes from: a batch's defaults and URL entries, a
 * chain, a URL job from another node. The fetcher sets {@code Host}, the framing and the
 * connection's headers itself: a caller's would let it smuggle a second request or reach
 * another host than the one checked.
 *
 * @param headers names as the caller wrote them, one entry per name whatever its case
 * @param body    null for none
 */
record Outgoing(HttpMethod method, JsonObject headers, Buffer body) {

  /** A plain GET: what a URL given as a string gets without batch defaults. */
  static final Outgoing GET = new Outgoing(HttpMethod.GET, new JsonObject(), null);

  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
  /** Lower case: the request's framing and connection, which the fetcher owns. */
  private static final Set<String> SET_BY_FETCHER = Set.of("host", "connection", "content-length", "transfer-encoding",
      "upgrade", "te", "keep-alive", "trailer");
  /** Lower case: never sent on to another origin than the one they were given for (browsers do the same). */
  private static final Set<String> ALWAYS_SECRET = Set.of("authorization", "cookie", "proxy-authorization");
  private static final int MAX_HEADERS = 64;
  private static final int MAX_HEADER_BYTES = 8 * 1024;
  /** All of a request's caller headers together: what an origin's 8 KiB head limit leaves room for, twice. */
  private static final int MAX_HEADERS_BYTES = 16 * 1024;
  /** The field a URL job carries a request body in (its {@code body} is the answer's body mode). */
  private static final String JOB_BODY = "requestBodyBase64";

  /** A batch's defaults for its URLs: a method and headers, no body. */
  static Outgoing defaults(RequestReader reader) {
    return new Outgoing(method(reader, HttpMethod.GET), headers(reader, GET.headers), null);
  }

  /**
   * A URL entry's or a chain's own: method and headers over {@code defaults}, and a body.
   *
   * @param textBody whether {@code body} is a request body here (in a URL entry); in a chain it is
   *                 the answer's body mode, so a chain's text goes in {@code json} or {@code bodyBase64}
   */
  static Outgoing read(RequestReader reader, Outgoing defaults, boolean textBody, int maxBodyBytes) {
    HttpMethod method = method(reader, defaults.method);
    JsonObject headers = headers(reader, defaults.headers);
    Body body = body(reader, textBody, maxBodyBytes);
    if (body != null && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
      // no meaning in HTTP (RFC 9110 §9.3.1), and a body where an origin expects none is how a
      // second request is smuggled onto a connection other callers' requests reuse
      throw BusException.badRequest(reader.name(FetchMessages.METHOD) + " " + method.name() + " sends no body; use POST, PUT, PATCH, DELETE or OPTIONS");
    }
    if (body != null && name(headers, "content-type") == null) {
      headers = headers.copy().put("Content-Type", body.contentType);
    }
    return new Outgoing(method, headers, body == null ? null : body.bytes);
  }

  /** The fields of a URL job handed to another node. */
  JsonObject writeTo(JsonObject job) {
    job.put(FetchMessages.METHOD, method.name()).put(FetchMessages.HEADERS, headers);
    return body == null ? job : job.put(JOB_BODY, Base64.getEncoder().encodeToString(body.getBytes()));
  }

  /** A URL job's, checked again: a bus message is input like any other. */
  static Outgoing readJob(RequestReader reader, int maxBodyBytes) {
    HttpMethod method = method(reader, HttpMethod.GET);
    JsonObject headers = headers(reader, GET.headers);
    String encoded = reader.text(JOB_BODY, null);
    return new Outgoing(method, headers, encoded == null ? null : decode(reader, JOB_BODY, encoded, maxBodyBytes));
  }

  /** Onto a request to the origin: the method and the caller's headers. */
  RequestOptions applyTo(RequestOptions request) {
    request.setMethod(method);
    for (Map.Entry<String, Object> header : headers) {
      request.putHeader(header.getKey(), (String) header.getValue());
    }
    return request;
  }

  /**
   * What the next hop sends after a redirect: a 303 (or a 301/302 after a POST, as every client
   * does) continues as a GET without the body and its {@code Content-*} headers, a 307/308 as it
   * was; to another origin, without the secret headers.
   *
   * @param secret lower-case names of {@code fetcher.secretHeaders}, besides the ones always kept back
   */
  Outgoing redirected(int status, boolean sameOrigin, Set<String> secret) {
    return next(status == 303 && method != HttpMethod.HEAD || (status == 301 || status == 302) && method == HttpMethod.POST,
        sameOrigin, secret);
  }

  /** What goes to a URL a chain's answer named: the same request, without the secret headers when it is another origin. */
  Outgoing toOrigin(boolean sameOrigin, Set<String> secret) {
    return next(false, sameOrigin, secret);
  }

  private Outgoing next(boolean toGet, boolean sameOrigin, Set<String> secret) {
    if (!toGet && sameOrigin) {
      return this;
    }
    JsonObject kept = new JsonObject();
    for (Map.Entry<String, Object> header : headers) {
      String lower = header.getKey().toLowerCase(Locale.ROOT);
      boolean dropped = toGet && lower.startsWith("content-") || !sameOrigin && (ALWAYS_SECRET.contains(lower) || secret.contains(lower));
      if (!dropped) {
        kept.put(header.getKey(), header.getValue());
      }
    }
    return toGet ? new Outgoing(HttpMethod.GET, kept, null) : new Outgoing(method, kept, body);
  }

  private static HttpMethod method(RequestReader reader, HttpMethod fallback) {
    String name = reader.text(FetchMessages.METHOD, null);
    if (name == null) {
      return fallback;
    }
    for (HttpMethod method : METHODS) {
      if (method.name().equals(name)) {
        return method;
      }
    }
    throw BusException.badRequest(reader.name(FetchMessages.METHOD) + " must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "
        + RequestReader.show(name));
  }

  private static JsonObject headers(RequestReader reader, JsonObject defaults) {
    JsonObject given = reader.object(FetchMessages.HEADERS);
    if (given == null) {
      return defaults;
    }
    String where = reader.name(FetchMessages.HEADERS);
    if (given.size() > MAX_HEADERS) {
      throw BusException.badRequest(where + " must hold at most " + MAX_HEADERS + " headers, got " + given.size());
    }
    JsonObject merged = defaults.copy();
    Set<String> seen = new HashSet<>();
    int bytes = 0;
    for (Map.Entry<String, Object> header : given) {
      String name = header.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (!HttpSyntax.isToken(name)) {
        throw BusException.badRequest(where + " has " + RequestReader.show(name) + ", which is not a header name");
      }
      if (SET_BY_FETCHER.contains(lower) || lower.startsWith("proxy-")) {
        throw BusException.badRequest(where + "." + name + " is set by the fetcher");
      }
      if (!seen.add(lower)) {
        throw BusException.badRequest(where + " names " + name + " twice");
      }
      if (!(header.getValue() instanceof String value) || !HttpSyntax.isFieldValue(value) || value.length() > MAX_HEADER_BYTES) {
        throw BusException.badRequest(where + "." + name + " must be text of at most " + MAX_HEADER_BYTES
            + " characters without CR, LF or other control characters");
      }
      bytes += name.length() + value.length();
      if (bytes > MAX_HEADERS_BYTES) {
        throw BusException.badRequest(where + " must hold at most " + MAX_HEADERS_BYTES + " characters of names and values together");
      }
      String replaced = name(merged, name);
      if (replaced != null) {
        merged.remove(replaced); // a URL's own header wins over the batch's, whatever its case
      }
      merged.put(name, value);
    }
    return merged;
  }

  /** The name {@code headers} uses for {@code name}, whatever its case; null when it has none. */
  private static String name(JsonObject headers, String name) {
    for (String present : headers.fieldNames()) {
      if (present.equalsIgnoreCase(name)) {
        return present;
      }
    }
    return null;
  }

  private record Body(Buffer bytes, String contentType) {
  }

  private static Body body(RequestReader reader, boolean textBody, int maxBodyBytes) {
    boolean json = reader.has(FetchMessages.JSON);
    boolean text = textBody && reader.has(FetchMessages.REQUEST_TEXT);
    boolean base64 = reader.has(FetchMessages.BODY_BASE64_FIELD);
    if ((json ? 1 : 0) + (text ? 1 : 0) + (base64 ? 1 : 0) > 1) {
      String where = reader.name("");
      throw BusException.badRequest((where.isEmpty() ? "the request" : where.substring(0, where.length() - 1))
          + " has more than one body: give one of " + (textBody ? "json, body, bodyBase64" : "json, bodyBase64"));
    }
    Body body = null;
    if (json) {
      body = new Body(Json.encodeToBuffer(reader.any(FetchMessages.JSON)), "application/json");
    } else if (text) {
      if (!(reader.any(FetchMessages.REQUEST_TEXT) instanceof String value)) {
        throw BusException.badRequest(reader.name(FetchMessages.REQUEST_TEXT) + " must be text");
      }
      body = new Body(Buffer.buffer(value), "text/plain; charset=utf-8");
    } else if (base64) {
      Object value = reader.any(FetchMessages.BODY_BASE64_FIELD);
      if (!(value instanceof String encoded)) {
        throw BusException.badRequest(reader.name(FetchMessages.BODY_BASE64_FIELD) + " must be base64 text");
      }
      return new Body(decode(reader, FetchMessages.BODY_BASE64_FIELD, encoded, maxBodyBytes), "application/octet-stream");
    }
    if (body != null && body.bytes.length() > maxBodyBytes) {
      throw tooLarge(reader, json ? FetchMessages.JSON : FetchMessages.REQUEST_TEXT, body.bytes.length(), maxBodyBytes);
    }
    return body;
  }

  private static Buffer decode(RequestReader reader, String field, String encoded, int maxBodyBytes) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw BusException.badRequest(reader.name(field) + " must be base64 text: " + e.getMessage());
    }
    if (bytes.length > maxBodyBytes) {
      throw tooLarge(reader, field, bytes.length, maxBodyBytes);
    }
    return Buffer.buffer(bytes);
  }

  private static BusException tooLarge(RequestReader reader, String field, long bytes, int maxBodyBytes) {
    return BusException.badRequest(reader.name(field) + " is " + bytes + " bytes, more than fetcher.maxRequestBodyBytes ("
        + maxBodyBytes + ")");
  }
}
