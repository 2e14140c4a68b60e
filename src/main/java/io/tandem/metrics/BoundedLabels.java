package io.tandem.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Holds every label of vertx-micrometer-metrics's meters to a fixed, small set of values, whatever
 * clients send: an HTTP {@code method} one of RFC 9110's and PATCH or {@code other}. (The HTTP
 * client's connection pools, one per origin, are not metered at all: {@link HttpClientMeters}.)
 * A value per request or per origin would add a series each time, until the scrape, and the
 * memory, give out. (Micrometer maps the label before it looks the meter up, so the raw values are
 * not kept anywhere either.) Tandem's own meters take their labels from here too: {@link #template}
 * for routes, {@link #OTHER}; the bus's from {@code Addresses.metricLabel}.
 */
final class BoundedLabels implements MeterFilter {

  static final String METHOD = "method";
  /** A method none of the standard ones. */
  static final String OTHER = "other";
  private static final Pattern PARAMETER = Pattern.compile(":(\\w+)");
  /** RFC 9110's methods and PATCH: the values a {@code method} label may have besides {@link #OTHER}. */
  static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
      HttpMethod.DELETE, HttpMethod.CONNECT, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PATCH);
  private static final Set<String> METHOD_NAMES = METHODS.stream().map(HttpMethod::name).collect(Collectors.toUnmodifiableSet());

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

  /**
   * A route as README and OpenAPI write it ({@code /hello/{name}} for Vert.x Web's {@code
   * /hello/:name}), each route a request went through once ({@code >} between them).
   */
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
      case METHOD -> METHOD_NAMES.contains(tag.getValue()) ? tag.getValue() : OTHER;
      default -> tag.getValue();
    };
  }
}
