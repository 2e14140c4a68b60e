package io.tandem.http;

import io.tandem.testing.TestService;
import io.tandem.testing.Http;
import io.tandem.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http.accessLog: true}: one line per request, the root included (no shortcut past the log). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogTest {

  private Http http;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    http = new Http(TestService.deploy(vertx, new JsonObject().put("http", new JsonObject().put("accessLog", true))).httpPort());
  }

  @Test
  void logsOneAccessLineForEachRequest() throws Exception {
    try (LogCapture access = new LogCapture(AccessLog.LOGGER)) {
      HttpResponse<String> root = http.get("/");
      assertEquals("Hello, world!", root.body());
      String line = access.next();
      assertTrue(line.matches("GET / 200 13B \\d+ms 127\\.0\\.0\\.1:\\d+"), line);
      http.get("/hello/Ada");
      line = access.next();
      assertTrue(line.matches("GET /hello/Ada 200 11B \\d+ms 127\\.0\\.0\\.1:\\d+"), line);
      http.get("/nope");
      line = access.next();
      assertTrue(line.startsWith("GET /nope 404 52B "), line);
    }
  }
}
