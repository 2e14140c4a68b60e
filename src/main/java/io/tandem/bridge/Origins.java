package io.tandem.bridge;

import io.tandem.config.BridgeSettings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which web pages may use the SockJS bridge ({@code bridge.allowedOrigins}). A browser names the
 * page behind every WebSocket handshake and every cross-site POST in its {@code Origin} header; a
 * page on another site must not drive the bus from a visitor's browser (cross-site WebSocket
 * hijacking), so only the page's own origin — its host and port those of the request's
 * {@code Host} — and the origins listed are let through, or any with {@code *}.
 *
 * <p>A request without {@code Origin} is let through: it does not come from a page on another
 * site. Browsers send the header on every WebSocket handshake and every cross-site POST, and those
 * are the only ways in that are left: the transports a cross-site {@code <script>} or
 * {@code <iframe>} could open with a GET and no Origin (JSONP, htmlfile, EventSource) are off.
 * {@code Origin: null} (a sandboxed frame, a file) is an origin like any other: refused unless
 * {@code *}. The scheme is not compared, so the page's own origin is recognised behind a proxy
 * that ends TLS.
 */
final class Origins {

  private final boolean any;
  private final Set<String> listed;

  Origins(List<String> allowed) {
    any = allowed.contains(BridgeSettings.ANY_ORIGIN);
    listed = allowed.stream().map(Origins::normalise).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @param origin the request's {@code Origin} header, or null
   * @param host   the request's {@code Host} header (authority), or null
   */
  boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String normalised = normalise(origin);
    return listed.contains(normalised) || sameOrigin(normalised, host);
  }

  /** Whether the page's origin names the host and port the request was sent to. */
  private static boolean sameOrigin(String origin, String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    URI page;
    try {
      page = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    String scheme = page.getScheme();
    if (page.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
      return false;
    }
    int defaultPort = "https".equals(scheme) ? 443 : 80;
    int pagePort = page.getPort() == -1 ? defaultPort : page.getPort();
    String authority = host.toLowerCase(Locale.ROOT);
    int portStart = authority.lastIndexOf(':');
    String requestHost = authority;
    int requestPort = defaultPort;
    if (portStart > authority.lastIndexOf(']')) {
      requestHost = authority.substring(0, portStart);
      try {
        requestPort = Integer.parseInt(authority.substring(portStart + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return requestHost.equals(page.getHost()) && requestPort == pagePort;
  }

  /** Origins compare case-insensitively, without a trailing slash some clients add. */
  private static String normalise(String origin) {
    String lower = origin.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith("/") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
