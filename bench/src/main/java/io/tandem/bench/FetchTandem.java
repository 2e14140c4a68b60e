package io.tandem.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Drives Tandem's {@code POST /fetch}: one batch per round, timed from sending the request to
 * having the whole JSON answer, which is then checked URL by URL.
 */
final class FetchTandem {

  static void run(Args args) throws Exception {
    FetchRounds work = FetchRounds.of(args);
    URI endpoint = URI.create(args.text("endpoint", "http://127.0.0.1:8888/fetch"));
    JsonArray urls = new JsonArray();
    for (int i = 0; i < work.count(); i++) {
      urls.add(work.url(i));
    }
    // body "none": sizes come back, bodies are read and dropped, as the references do
    JsonObject request = new JsonObject().put("urls", urls).put("concurrency", work.concurrency()).put("body", "none");
    int perHost = args.integer("per-host", 0);
    if (perHost > 0) {
      request.put("perHost", new JsonObject().put("concurrency", perHost));
    }
    int backoffMs = args.integer("retry-backoff", -1);
    if (backoffMs >= 0) {
      request.put("retry", new JsonObject().put("attempts", 1).put("on", new JsonArray().add(503))
          .put("backoffMs", backoffMs).put("maxBackoffMs", backoffMs));
    }
    String batch = request.encode();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int round = 0; round < work.rounds(); round++) {
      HttpRequest post = HttpRequest.newBuilder(endpoint)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(batch))
          .build();
      long start = System.nanoTime();
      HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        LoadRun.fail("POST /fetch answered " + response.statusCode() + ": " + response.body());
      }
      JsonArray results = new JsonObject(response.body()).getJsonArray("results");
      int succeeded = 0;
      long bytes = 0;
      for (int i = 0; i < results.size(); i++) {
        JsonObject result = results.getJsonObject(i);
        if (result.getBoolean("ok", false) && result.getInteger("status") == 200) {
          succeeded++;
          bytes += result.getLong("bytes");
        }
      }
      work.report(round, start, succeeded, bytes);
    }
    System.exit(0);
  }
}
