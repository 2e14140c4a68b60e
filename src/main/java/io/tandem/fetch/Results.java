package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.json.JsonObject;

/** Results for URLs that never got as far as a fetch. */
final class Results {

  private Results() {
  }

  static JsonObject notStarted(int index, String url, Kind kind, String message) {
    return new JsonObject()
        .put(FetchMessages.INDEX, index)
        .put(FetchMessages.URL, url)
        .put(FetchMessages.OK, false)
        .put(FetchMessages.ELAPSED_MS, 0)
        .put(FetchMessages.ERROR, new JsonObject().put(FetchMessages.KIND, kind.wire()).put(FetchMessages.MESSAGE, message));
  }
}
