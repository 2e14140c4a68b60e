package io.tandem.http;

import io.tandem.net.Utf8;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.handler.HttpException;

import java.nio.charset.CharacterCodingException;

/** A request body read as JSON: strict UTF-8 first (see {@link Utf8}), then the parser. */
final class JsonBody {

  private JsonBody() {
  }

  /** The body's JSON value, null for no body; a 400 for bytes that are not UTF-8 or not JSON. */
  static Object decode(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    String text;
    try {
      text = Utf8.decode(body);
    } catch (CharacterCodingException e) {
      throw new HttpException(400, "body is not valid UTF-8");
    }
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new HttpException(400, "body is not valid JSON");
    }
  }
}
