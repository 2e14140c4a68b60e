package io.tandem.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.tandem.bus.Addresses;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Holds every label Vert.x gives its meters to a fixed, small set of values, whatever clients
 * send: an event-bus {@code address} is one of Tandem's or a template of one ({@link
 * Addresses#metricLabel}), an HTTP {@code method} one of RFC 9110's and PATCH or {@code other}, the
 * connection pools of an HTTP client one {@code pool_name} (Vert.x names one per origin the
 * fetcher reaches).
 * A client that sends a method or an address of its own choosing per request would otherwise add
 * a series per request, until the scrape, and the memory, give out. (Micrometer maps the label
 * before it looks the meter up, so the raw values are not kept anywhere either.)
 *
 * <p>An HTTP {@code route} is the template of the endpoint a request matched, written as the
 * README and OpenAPI write it ({@code /hello/{name}}): Vert.x Web names every route a request
 * passed through, joined by {@code >}, and an endpoint's access check is a route of its own on
 * the same path, so {@code /fetch>/fetch} is {@code /fetch}.
 */
final class BoundedLabels implements MeterFilter {

  static final String ADDRESS = "address";
  static final String METHOD = "method";
  /** A method none of the standard ones. */
  static final String OTHER = "other";
  static final String ROUTE = "route";
  static final String POOL_NAME = "pool_name";
  /** What an HTTP client's connection pools are called together: Vert.x names each by the host and port it connects to. */
  static final String CLIENT_POOLS = "http-client";
  private static final Pattern PARAMETER = Pattern.compile(":(\\w+)");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  @Override
  public Meter.Id map(Meter.Id id) {
    List<Tag> tags = null;
    List<Tag> original = id.getTags();
    for (int i = 0; i < original.size(); i++) {
      Tag tag = original.get(i);
      String bounded = bound(tag, id);
      if (!bounded.equals(tag.getValue())) {
        if (tags == null) {
          tags = new ArrayList<>(original);
        }
        tags.set(i, Tag.of(tag.getKey(), bounded));
      }
    }
    return tags == null ? id : id.replaceTags(tags);
  }

  static String template(String routes) {
    StringBuilder template = new StringBuilder();
    String last = null;
    for (String route : routes.split(">")) {
      if (!route.equals(last)) {
        template.append(template.length() == 0 ? "" : ">").append(route);
        last = route;
      }
    }
    return PARAMETER.matcher(template).replaceAll("{$1}");
  }

  private static String bound(Tag tag, Meter.Id id) {
    return switch (tag.getKey()) {
      case ADDRESS -> Addresses.metricLabel(tag.getValue());
      case METHOD -> METHODS.contains(tag.getValue()) ? tag.getValue() : OTHER;
      case ROUTE -> template(tag.getValue());
      case POOL_NAME -> "http".equals(id.getTag("pool_type")) ? CLIENT_POOLS : tag.getValue();
      default -> tag.getValue();
    };
  }
}
