package example;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A verticle of your own on Tandem's bus: asks {@code tandem.hello}, {@code tandem.echo} and
 * {@code tandem.fetch}, then listens on {@code tandem.tcp.messages} for one line a TCP client
 * types into Tandem's echo server, printing each answer. Completes {@code done} with that line,
 * or fails it when none comes within {@value #WAIT_SECONDS} s.
 */
public final class OwnVerticle extends VerticleBase {

  static final int WAIT_SECONDS = 60;

  private final String url;
  private final Promise<Void> done;

  OwnVerticle(String url, Promise<Void> done) {
    this.url = url;
    this.done = done;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    return bus.<JsonObject>request("tandem.hello", new JsonObject().put("name", "own verticle"))
        .compose(hello -> {
          print("tandem.hello -> " + hello.body().getString("message"));
          return bus.<JsonObject>request("tandem.echo", new JsonObject().put("from", "own verticle"));
        })
        .compose(echo -> {
          print("tandem.echo -> " + echo.body().encode());
          return bus.<JsonObject>request("tandem.fetch", new JsonObject().put("urls", new JsonArray().add(url)));
        })
        .compose(fetch -> {
          print("tandem.fetch -> " + describe(fetch.body().getJsonArray("results").getJsonObject(0)));
          MessageConsumer<JsonObject> lines = bus.consumer("tandem.tcp.messages", line -> {
            print("tandem.tcp.messages -> " + line.body().getString("remote") + " typed \"" + line.body().getString("text") + "\"");
            done.tryComplete();
          });
          // registered on every node before anything is typed
          return lines.completion();
        })
        .onSuccess(v -> {
          print("tandem.tcp.messages: waiting " + WAIT_SECONDS + " s for a line typed into Tandem's TCP echo"
              + " (printf 'hi\\n' | nc -q1 localhost 8080)");
          vertx.setTimer(WAIT_SECONDS * 1000L, id -> done.tryFail("no line on tandem.tcp.messages within " + WAIT_SECONDS + " s"));
        });
  }

  /** {@code http://…: 200, 13 bytes: Hello, world!}, or what went wrong. */
  private static String describe(JsonObject result) {
    String head = result.getString("url") + ": ";
    JsonObject error = result.getJsonObject("error");
    if (error != null) {
      return head + error.getString("kind") + " (" + error.getString("message") + ")";
    }
    return head + result.getInteger("status") + ", " + result.getLong("bytes") + " bytes: " + result.getString("body");
  }

  private static void print(String line) {
    System.out.println(line);
  }
}
