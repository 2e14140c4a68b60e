package io.tandem.fetch;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Parsing the URLs the fetcher is given, and the redirects and chain links it follows. */
final class Urls {

  /** A URL that cannot be fetched as written. */
  static final class InvalidUrl extends Exception {
    InvalidUrl(String message) {
      super(message, null, false, false);
    }
  }

  private Urls() {
  }

  /** An absolute URL with a host; the scheme is checked by the caller (it is a policy, not syntax). */
  static URI parse(String text) throws InvalidUrl {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidUrl("not a valid URL: " + e.getMessage());
    }
    return check(uri, text);
  }

  /**
   * {@code reference} (absolute or relative, e.g. a Location header) against {@code base}, by
   * RFC 3986. Java's {@code URI.resolve} follows the older RFC 2396 for an empty reference and a
   * query alone ({@code ?page=2}), dropping the base's last path segment; those two are done here.
   */
  static URI resolve(URI base, String reference) throws InvalidUrl {
    try {
      URI relative = new URI(reference);
      URI resolved;
      if (reference.isEmpty()) {
        resolved = new URI(base.getScheme(), base.getRawAuthority(), base.getRawPath(), base.getRawQuery(), null);
      } else if (reference.startsWith("?")) {
        resolved = new URI(base.getScheme() + "://" + base.getRawAuthority() + (base.getRawPath() == null ? "" : base.getRawPath()) + reference);
      } else {
        resolved = base.resolve(relative);
      }
      return check(resolved, reference);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new InvalidUrl("not a valid URL: " + reference);
    }
  }

  private static URI check(URI uri, String text) throws InvalidUrl {
    if (!uri.isAbsolute() || uri.isOpaque()) {
      throw new InvalidUrl("not an absolute http(s) URL: " + text);
    }
    if (isHttp(uri) && uri.getHost() == null) {
      throw new InvalidUrl("no valid host in " + text);
    }
    if (uri.getPort() > 65535) {
      throw new InvalidUrl("port out of range in " + text);
    }
    return uri;
  }

  static boolean isHttp(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https");
  }

  static boolean isHttps(URI uri) {
    return uri.getScheme().equalsIgnoreCase("https");
  }

  /**
   * The host as the policy judges it: lower case, IPv6 without brackets, and without the
   * trailing dot of a fully qualified name ({@code example.com.} is {@code example.com}).
   */
  static String host(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      return host.substring(1, host.length() - 1);
    }
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : isHttps(uri) ? 443 : 80;
  }

  /** What politeness counts a URL against ({@link PerHost}): lower-case {@code host:port}; null when it is no valid URL. */
  static String hostKey(String url) {
    try {
      URI uri = parse(url);
      return host(uri) + ":" + port(uri);
    } catch (InvalidUrl e) {
      return null;
    }
  }

  /** Whether two URLs are at one host:port, as politeness counts them ({@link #hostKey}). */
  static boolean sameHost(URI a, URI b) {
    return host(a).equals(host(b)) && port(a) == port(b);
  }

  /** Whether two URLs are of one origin (RFC 6454): the same scheme, host and port. */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && sameHost(a, b);
  }

  /** What goes on the request line: path and query, never the fragment. */
  static String requestTarget(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /** The same resource written one way: for spotting a chain that comes back to a URL it visited. */
  static String normalized(URI uri) {
    return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + host(uri) + ":" + port(uri) + requestTarget(uri.normalize());
  }
}
