package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.HelloMessages;
import io.tandem.bus.TcpMessages;
import io.tandem.bridge.SockJsBridge;
import io.tandem.config.AuthSettings;
import io.tandem.config.BridgeSettings;
import io.tandem.config.HttpSettings;
import io.tandem.config.MetricsSettings;
import io.tandem.config.VerticleConfig.Fronts;
import io.tandem.metrics.Metrics;
import io.tandem.ui.UiPage;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

/**
 * The HTTP API: the greeting (after an optional delay, standing in for work) and the HTTP front of the
 * bus services. Each handler either answers or fails the context; {@link ErrorResponses} writes
 * every error.
 */
final class ApiRoutes {

  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain; charset=utf-8");
  private static final Buffer HEALTHY = new JsonObject().put("status", "UP").toBuffer();
  private static final DeliveryOptions NO_OPTIONS = new DeliveryOptions();
  private static final Buffer ACCEPTED = new JsonObject().put("accepted", true).toBuffer();

  private final Vertx vertx;
  private final HttpSettings settings;
  private final BridgeSettings bridge;
  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final Buffer greeting;
  private final MetricsSettings metrics;

  private final FetchRoutes fetch;
  private final Access access;
  private final ApiDocuments documents;
  private SockJsBridge sockJs;

  ApiRoutes(Vertx vertx, HttpSettings settings, BridgeSettings bridge, MetricsSettings metrics, Fronts fronts, Access access,
      ApiDocuments documents) {
    this.vertx = vertx;
    this.documents = documents;
    this.metrics = metrics;
    this.access = access;
    this.settings = settings;
    this.bridge = bridge;
    this.fetch = new FetchRoutes(vertx, fronts);
    this.bus = vertx.eventBus();
    this.delivery = new DeliveryOptions().setSendTimeout(settings.busTimeoutMs());
    this.greeting = Buffer.buffer(settings.greeting());
  }

  /**
   * The server's request handler: the Router, behind a shortcut for the one request a load test
   * of "Hello, world!" sends — {@code GET /} with no query, when nothing (an access log, a
   * configured delay) has to happen around it, and who sends it may have it ({@link Access#lets}).
   * The Router's matching and routing context cost about a tenth of such a request; everything
   * else, {@code /?delay=} and a refused {@code GET /} included, goes through it.
   */
  Handler<HttpServerRequest> requestHandler(Readiness readiness) {
    Router router = router(readiness);
    if (settings.accessLog() || settings.delayMs() > 0) {
      return router;
    }
    // decided once: a public greeting (the default) costs the shortcut nothing
    boolean rootOpen = access.isOpen(AuthSettings.GET_ROOT);
    return request -> {
      if (request.method() == HttpMethod.GET && "/".equals(request.uri()) && (rootOpen || access.lets(request, AuthSettings.GET_ROOT))) {
        request.routed("/"); // the route its meters name, as the Router's would
        sendGreeting(request.response());
      } else {
        router.handle(request);
      }
    };
  }

  /** Every route of the API; package-private so that a test can hold the documents to the routes. */
  Router router(Readiness readiness) {
    Router router = Router.router(vertx);
    if (settings.accessLog()) {
      router.route().handler(new AccessLog());
    }
    protect(router);
    router.get("/").handler(this::hello);
    router.get("/hello").handler(ctx -> greet(ctx, null));
    router.get("/hello/:name").handler(ctx -> greet(ctx, ctx.pathParam("name")));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes());
    router.post("/echo").handler(body).handler(this::echo);
    router.post("/tcp/broadcast").consumes("application/json").handler(body).handler(this::broadcast);
    fetch.register(router, body);
    router.get("/health").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, ErrorResponses.APPLICATION_JSON).end(HEALTHY));
    router.get("/ready").handler(readiness);
    documents.mount(router); // open to everyone, like /health: protect() names neither path
    if (metrics.enabled() && Metrics.prometheus(vertx) != null) {
      // a Vert.x built without metrics (one a user embeds this verticle in) has nothing to serve: 404
      router.get(metrics.path()).handler(new MetricsEndpoint(vertx));
    }
    if (bridge.sockjsEnabled()) {
      sockJs = SockJsBridge.mount(router, "/eventbus", vertx, bridge, access.principals(), body);
      UiPage.mount(router, vertx); // the page speaks that bridge, so it is there only with it
    }
    ErrorResponses errors = new ErrorResponses(settings.maxBodyBytes());
    router.route().failureHandler(errors::handleFailure);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, errors::handleFailure);
    }
    return router;
  }

  /** Who may use what ({@link Access}), before any endpoint's own handlers. */
  private void protect(Router router) {
    access.protect(router, HttpMethod.GET, "/", AuthSettings.GET_ROOT);
    access.protect(router, HttpMethod.GET, "/hello", AuthSettings.GET_HELLO);
    access.protect(router, HttpMethod.GET, "/hello/:name", AuthSettings.GET_HELLO);
    access.protect(router, HttpMethod.POST, "/echo", AuthSettings.POST_ECHO);
    access.protect(router, HttpMethod.POST, "/tcp/broadcast", AuthSettings.POST_BROADCAST);
    access.protect(router, HttpMethod.POST, "/fetch", AuthSettings.POST_FETCH);
    access.protect(router, HttpMethod.POST, "/fetch/chain", AuthSettings.POST_FETCH_CHAIN);
    if (metrics.enabled()) {
      access.protect(router, HttpMethod.GET, metrics.path(), AuthSettings.GET_METRICS);
    }
    if (bridge.sockjsEnabled()) {
      access.protect(router, null, "/eventbus/*", AuthSettings.EVENTBUS);
      access.protect(router, null, "/ui/*", AuthSettings.GET_UI);
    }
  }

  /** Shutdown has begun: the bridge's idle sessions are closed now, not at the end of the grace period. */
  void goAway() {
    if (sockJs != null) {
      sockJs.goAway();
    }
  }

  /** {@code GET /[?delay=MS]}: the greeting, after the configured or requested delay. */
  private void hello(RoutingContext ctx) {
    long delay = delayOf(ctx);
    HttpServerResponse response = ctx.response();
    if (delay == 0) {
      sendGreeting(response);
      return;
    }
    // a timer, not a sleeping thread, so thousands of delayed requests can wait at once
    long timer = vertx.setTimer(delay, fired -> sendGreeting(response));
    response.closeHandler(closed -> vertx.cancelTimer(timer));
  }

  private void sendGreeting(HttpServerResponse response) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(greeting);
  }

  private long delayOf(RoutingContext ctx) {
    String value = ctx.request().getParam("delay");
    if (value == null) {
      return settings.delayMs();
    }
    long delay = -1;
    try {
      delay = Long.parseLong(value);
    } catch (NumberFormatException e) {
      // reported below
    }
    if (delay < 0 || delay > settings.maxDelayMs()) {
      throw new HttpException(400, "delay must be an integer 0.." + settings.maxDelayMs() + " (milliseconds), got \"" + value + "\"");
    }
    return delay;
  }

  /** {@code GET /hello[/{name}]}, answered by {@code tandem.hello}. */
  private void greet(RoutingContext ctx, String name) {
    bus.<Object>request(Addresses.HELLO, HelloMessages.request(name), Access.onBehalf(ctx, delivery)).onComplete(answer -> {
      if (answer.failed()) {
        ctx.fail(BusFailures.toHttp(answer.cause(), Addresses.HELLO));
      } else if (answer.result().body() instanceof JsonObject reply && reply.getValue(HelloMessages.MESSAGE) instanceof String message) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(message);
      } else {
        ctx.fail(new HttpException(502, Addresses.HELLO + " answered without a message"));
      }
    });
  }

  /** {@code POST /echo}: the body back, byte-exact with its Content-Type, through {@code tandem.echo}. */
  private void echo(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    DeliveryOptions options = new DeliveryOptions(delivery);
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null) {
      options.addHeader(HttpHeaders.CONTENT_TYPE.toString(), type);
    }
    bus.<Object>request(Addresses.ECHO, body == null ? Buffer.buffer() : body, Access.onBehalf(ctx, options)).onComplete(answer -> {
      if (answer.failed()) {
        ctx.fail(BusFailures.toHttp(answer.cause(), Addresses.ECHO));
        return;
      }
      Message<Object> reply = answer.result();
      if (!(reply.body() instanceof Buffer echoed)) {
        ctx.fail(new HttpException(502, Addresses.ECHO + " answered with something other than bytes"));
        return;
      }
      String echoedType = reply.headers().get(HttpHeaders.CONTENT_TYPE.toString());
      if (echoedType != null) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, echoedType);
      }
      ctx.response().end(echoed);
    });
  }

  /** {@code POST /tcp/broadcast {"text":"..."}}: published to every TCP client. */
  private void broadcast(RoutingContext ctx) {
    Object body = JsonBody.decode(ctx.body().buffer());
    String text;
    try {
      text = TcpMessages.readBroadcast(body);
    } catch (BusException e) {
      throw new HttpException(e.code(), e.getMessage());
    }
    bus.publish(Addresses.TCP_BROADCAST, TcpMessages.broadcast(text), Access.onBehalf(ctx, NO_OPTIONS));
    ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, ErrorResponses.APPLICATION_JSON).end(ACCEPTED);
  }
}
