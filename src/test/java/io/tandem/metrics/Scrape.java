package io.tandem.metrics;

import io.tandem.testing.Http;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One {@code GET /metrics}: every series of the text format, by its name and labels as written. */
record Scrape(Map<String, Double> series) {

  static Scrape of(Http http) throws Exception {
    HttpResponse<String> response = http.get("/metrics");
    assertEquals(200, response.statusCode(), response.body());
    Map<String, Double> series = new TreeMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(series);
  }

  /** The value of one series, which must be there. */
  double value(String series) {
    Double value = this.series.get(series);
    if (value == null) {
      throw new AssertionError(series + " is not in the scrape; it has " + String.join("\n", this.series.keySet()));
    }
    return value;
  }

  /** The names and labels of the series whose name starts with one of {@code prefixes}. */
  Set<String> names(String... prefixes) {
    Predicate<String> wanted = name -> Arrays.stream(prefixes).anyMatch(name::startsWith);
    return new TreeSet<>(series.keySet().stream().filter(wanted).toList());
  }
}
