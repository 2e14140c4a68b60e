package io.tandem.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code GET /openapi.json} and {@code GET /openapi/bus.json}: the HTTP API as OpenAPI 3.1 and the
 * event-bus contract as JSON Schema 2020-12, files written by hand in the jar
 * ({@code src/main/resources/openapi/}), read once as the verticle starts, on a worker, and
 * served from memory. Open to everyone, like {@code /health}: they say what the README says and
 * nothing of this deployment (no host, no setting, no principal).
 */
final class ApiDocuments {

  static final String OPENAPI_PATH = "/openapi.json";
  static final String BUS_SCHEMA_PATH = "/openapi/bus.json";
  /** Where the files are on the classpath. */
  static final String OPENAPI_RESOURCE = "openapi/openapi.json";
  static final String BUS_SCHEMA_RESOURCE = "openapi/bus.json";

  private final Buffer openapi;
  private final Buffer busSchema;

  private ApiDocuments(Buffer openapi, Buffer busSchema) {
    this.openapi = openapi;
    this.busSchema = busSchema;
  }

  /** Reads both files off the event loop; fails (and so fails the deployment) when the jar lacks one. */
  static Future<ApiDocuments> load(Vertx vertx) {
    return vertx.executeBlocking(() -> new ApiDocuments(read(OPENAPI_RESOURCE), read(BUS_SCHEMA_RESOURCE)));
  }

  void mount(Router router) {
    router.get(OPENAPI_PATH).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, ErrorResponses.APPLICATION_JSON).end(openapi));
    router.get(BUS_SCHEMA_PATH).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, ErrorResponses.APPLICATION_JSON).end(busSchema));
  }

  private static Buffer read(String resource) throws IOException {
    try (InputStream in = ApiDocuments.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }
}
