package io.tandem.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JDK's HTTP client, as a user's program would use it; blocking, so never on an event loop. */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final int port;

  /** The shared client, for requests that need their own body handler (streams, lines). */
  public static HttpClient client() {
    return CLIENT;
  }

  public Http(int port) {
    this.port = port;
  }

  public int port() {
    return port;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  public HttpResponse<String> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
    return send(postRequest(path, contentType, body));
  }

  public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public HttpResponse<byte[]> postBytes(String path, String contentType, byte[] body) throws IOException, InterruptedException {
    return CLIENT.send(postRequest(path, contentType, body), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest postRequest(String path, String contentType, byte[] body) {
    HttpRequest.Builder builder = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return builder.build();
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Asserts the API's one error shape and returns its message. */
  public static String assertError(int status, HttpResponse<String> response) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
    JsonObject body = new JsonObject(response.body());
    assertEquals(status, body.getInteger("status"));
    return body.getString("error");
  }
}
