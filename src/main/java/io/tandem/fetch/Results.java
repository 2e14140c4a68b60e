package io.tandem.fetch;

import io.tandem.bus.FetchMessages;
import io.tandem.bus.FetchMessages.Kind;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/** Pieces of results shared by every way a URL can end. */
final class Results {

  private Results() {
  }

  static JsonObject notStarted(int index, String url, Kind kind, String message) {
    return new JsonObject()
        .put(FetchMessages.INDEX, index)
        .put(FetchMessages.URL, url)
        .put(FetchMessages.OK, false)
        .put(FetchMessages.ELAPSED_MS, 0)
        .put(FetchMessages.ERROR, error(kind, message));
  }

  /**
   * Where a batch or chain hands each result as it completes: the meters, and its progress
   * address if it named one.
   */
  static Consumer<JsonObject> progressTo(EventBus bus, String address, FetchMeters meters) {
    return address == null ? meters::ended : result -> {
      meters.ended(result);
      bus.publish(address, result);
    };
  }

  /** A result's {@code error}: {@code {"kind":"...","message":"..."}}. */
  static JsonObject error(Kind kind, String message) {
    return new JsonObject().put(FetchMessages.KIND, kind.wire()).put(FetchMessages.MESSAGE, message);
  }
}
