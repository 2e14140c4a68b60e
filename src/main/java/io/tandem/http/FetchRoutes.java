package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.bus.FetchMessages;
import io.tandem.config.VerticleConfig.Fronts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /fetch} and {@code POST /fetch/chain}: the HTTP front of the fetcher. The answer is
 * the bus reply as JSON, or, with {@code Accept: application/x-ndjson} or
 * {@code text/event-stream}, one line (event) per result the moment it completes and then a
 * summary. A client that goes away cancels its batch: its outstanding requests are reset.
 */
final class FetchRoutes {

  private static final String NDJSON = "application/x-ndjson";
  private static final String EVENT_STREAM = "text/event-stream";
  /** Waiting for the reply: the batch's own deadline plus this, for the reply to travel. */
  private static final long REPLY_MARGIN_MS = 10_000;

  private final EventBus bus;
  private final long defaultDeadlineMs;
  /**
   * This node runs the fetcher: its batches are coordinated here, not on another node of a
   * clustered bus, so that losing any other node loses none of them (their URLs are spread over
   * the cluster all the same), and their results never leave the node on their way back.
   */
  private final boolean localBatches;
  /** Chains are fetching: they stay here only when this node's fetcher fetches (fetcher.worker). */
  private final boolean localChains;

  FetchRoutes(Vertx vertx, Fronts fronts) {
    this.bus = vertx.eventBus();
    this.defaultDeadlineMs = fronts.fetchDeadlineMs();
    this.localBatches = fronts.fetcher();
    this.localChains = fronts.fetcherWorker();
  }

  void register(Router router, BodyHandler body) {
    router.post("/fetch").consumes("application/json").handler(body)
        .handler(ctx -> forward(ctx, Addresses.FETCH, FetchMessages.RESULTS, localBatches));
    router.post("/fetch/chain").consumes("application/json").handler(body)
        .handler(ctx -> forward(ctx, Addresses.FETCH_CHAIN, FetchMessages.HOPS, localChains));
  }

  /** @param local whoever serves {@code address} for this node is on this node: ask only there, hear progress only from there */
  private void forward(RoutingContext ctx, String address, String listField, boolean local) {
    JsonObject request = jsonObject(ctx.body().buffer());
    // both are the front's to set: an HTTP client must not cancel others' batches by id, nor make
    // the server publish its results to any bus address it names
    for (String field : new String[] {FetchMessages.ID, FetchMessages.PROGRESS_ADDRESS, FetchMessages.PROGRESS_ONLY}) {
      if (request.containsKey(field)) {
        throw new HttpException(400, field + " is set by the server over HTTP; it is for event-bus callers");
      }
    }
    String id = "http-" + UUID.randomUUID();
    request.put(FetchMessages.ID, id);
    DeliveryOptions delivery = Access.onBehalf(ctx, new DeliveryOptions().setSendTimeout(deadlineOf(request) + REPLY_MARGIN_MS).setLocalOnly(local));
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    Format format = accept == null ? Format.JSON
        : accept.contains(NDJSON) ? Format.NDJSON
        : accept.contains(EVENT_STREAM) ? Format.EVENTS
        : Format.JSON;
    HttpServerResponse response = ctx.response();
    boolean[] answered = {false};
    // the client went away before its answer: stop the work it asked for
    ClientHangUp.whileInFlight(ctx.request(), () -> {
      if (!answered[0]) {
        answered[0] = true;
        bus.publish(Addresses.FETCH_CANCEL, new JsonObject().put(FetchMessages.ID, id));
      }
    });
    if (format == Format.JSON) {
      bus.<JsonObject>request(address, request, delivery).onComplete(reply -> {
        answered[0] = true;
        ClientHangUp.answered(ctx.request());
        if (reply.failed()) {
          ctx.fail(BusFailures.toHttp(reply.cause(), address));
        } else {
          ctx.json(reply.result().body());
        }
      });
      return;
    }
    // served on this node, the results come as progress only, each once, before the reply (one
    // event loop's queue, in order); from another node's fetcher the reply also holds them all,
    // and the stream writes any that progress did not bring
    Stream stream = new Stream(response, format, !local);
    String progress = Addresses.FETCH_PROGRESS + UUID.randomUUID();
    request.put(FetchMessages.PROGRESS_ADDRESS, progress);
    if (local) {
      request.put(FetchMessages.PROGRESS_ONLY, true);
    }
    // a local consumer costs no cluster-wide registration, and a local instance is all that publishes to it
    MessageConsumer<JsonObject> results = local
        ? bus.localConsumer(progress, message -> stream.result(message.body()))
        : bus.consumer(progress, message -> stream.result(message.body()));
    results.completion()
        // a client gone before the request left: do not start the work at all
        .compose(registered -> answered[0] ? Future.failedFuture("the client went away") : bus.<JsonObject>request(address, request, delivery))
        .onComplete(reply -> {
          answered[0] = true;
          ClientHangUp.answered(ctx.request());
          results.unregister();
          if (reply.succeeded()) {
            stream.finish(reply.result().body(), listField);
          } else if (!response.headWritten() && !response.closed()) {
            ctx.fail(BusFailures.toHttp(reply.cause(), address));
          } else if (!response.closed()) {
            response.reset();
          }
        });
  }

  private long deadlineOf(JsonObject request) {
    return request.getValue(FetchMessages.DEADLINE_MS) instanceof Number deadline ? Math.max(0, deadline.longValue()) : defaultDeadlineMs;
  }

  private static JsonObject jsonObject(Buffer body) {
    if (JsonBody.decode(body) instanceof JsonObject object) {
      return object;
    }
    throw new HttpException(400, "body must be a JSON object");
  }

  private enum Format { JSON, NDJSON, EVENTS }

  /** One streamed answer: each result once, in completion order, then the summary. */
  private static final class Stream {
    private final HttpServerResponse response;
    private final Format format;
    /** The results written, when the reply repeats them (a fetcher on another node); else null. */
    private final Set<Integer> sent;

    Stream(HttpServerResponse response, Format format, boolean replyRepeatsResults) {
      this.response = response;
      this.format = format;
      this.sent = replyRepeatsResults ? new HashSet<>() : null;
    }

    void result(JsonObject result) {
      if (sent == null || sent.add(result.getInteger(FetchMessages.INDEX, -1))) {
        write("result", result);
      }
    }

    /** Writes any result the progress messages missed (none when the reply is only the summary), then the summary, and ends. */
    void finish(JsonObject reply, String listField) {
      JsonArray list = (JsonArray) reply.remove(listField);
      for (int i = 0; list != null && i < list.size(); i++) {
        result(list.getJsonObject(i));
      }
      write("summary", format == Format.NDJSON ? new JsonObject().put("summary", reply) : reply);
      response.end();
    }

    private void write(String event, JsonObject data) {
      if (response.closed()) {
        return;
      }
      if (!response.headWritten()) {
        response.setChunked(true)
            .putHeader(HttpHeaders.CONTENT_TYPE, format == Format.NDJSON ? NDJSON : EVENT_STREAM)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      }
      response.write(format == Format.NDJSON
          ? data.encode() + "\n"
          : "event: " + event + "\ndata: " + data.encode() + "\n\n");
    }
  }
}
