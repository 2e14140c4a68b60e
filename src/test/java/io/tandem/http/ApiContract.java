package io.tandem.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAPI document of the jar ({@code openapi/openapi.json}), as vertx-openapi 5.0.8 can load
 * it, and the whole of it as a schema repository.
 *
 * <p>vertx-openapi 5.0.8 refuses a contract whose request or response names a media type outside
 * its short list ({@link MediaType#SUPPORTED_MEDIA_TYPES}, and vendor JSON): {@code *}{@code /*}
 * (the echo), {@code application/x-ndjson} and {@code text/event-stream} (the streamed fetches),
 * the scrape's and the page's types; and it hands a {@code text/plain} body to the schema
 * validator as bytes, which fails unless the schema is {@code {"type":"string","format":"binary"}}.
 * The contract it loads is the document with its JSON media types only, in lower case ({@link #loadable});
 * {@code OpenApiContractTest} holds the other answers to the full document itself: their
 * Content-Type to the document's list, their text to the media type's schema, each NDJSON line
 * and event to the schema the document names ({@code x-tandem-item-schema}, {@code x-tandem-events}).
 */
final class ApiContract {

  static final String BASE = "app:///openapi.json";

  final JsonObject raw;
  final OpenAPIContract contract;
  /** The whole document, so that a JSON pointer into it ({@code #/components/schemas/FetchResult}) is a schema. */
  final SchemaRepository schemas;
  /** The media types {@link #loadable} took out, as {@code operationId status type}. */
  final List<String> unloadable = new ArrayList<>();

  private ApiContract(Vertx vertx, JsonObject raw) throws Exception {
    this.raw = raw;
    this.contract = OpenAPIContract.from(vertx, loadable(raw.copy())).await(20, TimeUnit.SECONDS);
    this.schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE).setOutputFormat(OutputFormat.Basic));
    schemas.dereference(BASE, JsonSchema.of(raw.copy()));
  }

  static ApiContract load(Vertx vertx) throws Exception {
    return new ApiContract(vertx, resource(ApiDocuments.OPENAPI_RESOURCE));
  }

  static JsonObject resource(String name) throws IOException {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is not on the classpath");
      }
      return new JsonObject(Buffer.buffer(in.readAllBytes()));
    }
  }

  /** Validates {@code value} against the schema at {@code pointer} of the document ({@code /components/schemas/Error}). */
  OutputUnit validate(String pointer, Object value) {
    return schemas.validator(JsonSchema.of(new JsonObject().put("$ref", BASE + "#" + fragment(pointer)))).validate(value);
  }

  /** A JSON pointer as a URI fragment: what a fragment may not hold (a media type's space) percent-encoded. */
  private static String fragment(String pointer) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0)) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return encoded.toString();
  }

  /** The document without the media types vertx-openapi cannot load, and without a request body that is left with none. */
  private JsonObject loadable(JsonObject document) {
    for (Map.Entry<String, Object> path : document.getJsonObject("paths")) {
      for (Map.Entry<String, Object> operation : (JsonObject) path.getValue()) {
        JsonObject op = (JsonObject) operation.getValue();
        String id = op.getString("operationId");
        JsonObject body = op.getJsonObject("requestBody");
        if (body != null && strip(body, id + " request") == 0) {
          op.remove("requestBody");
        }
        for (Map.Entry<String, Object> response : op.getJsonObject("responses")) {
          strip((JsonObject) response.getValue(), id + " " + response.getKey());
        }
      }
    }
    for (Map.Entry<String, Object> response : document.getJsonObject("components").getJsonObject("responses")) {
      strip((JsonObject) response.getValue(), "components.responses." + response.getKey());
    }
    return document;
  }

  /** @return the media types left */
  private int strip(JsonObject holder, String where) {
    JsonObject content = holder.getJsonObject("content");
    if (content == null) {
      return 0;
    }
    for (String type : new ArrayList<>(content.fieldNames())) {
      if (!isJson(type)) {
        content.remove(type);
        unloadable.add(where + " " + type);
      } else if (!type.equals(type.toLowerCase(Locale.ROOT))) {
        // its analysers know application/json; charset=utf-8, not SockJS's charset=UTF-8 (the same, RFC 9110 §8.3.2)
        content.put(type.toLowerCase(Locale.ROOT), content.remove(type));
      }
    }
    if (content.isEmpty()) {
      holder.remove("content");
    }
    return content.size();
  }

  /** A media type vertx-openapi 5.0.8 loads and validates: JSON. */
  static boolean isJson(String type) {
    String essence = type.split(";", 2)[0].trim();
    return MediaType.isMediaTypeSupported(type) && (essence.equals("application/json") || MediaType.isVendorSpecificJson(type));
  }
}
