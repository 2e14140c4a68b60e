package io.tandem.http;

import io.tandem.bus.Addresses;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.HelloMessages;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@code tandem.hello} bus service, with each of its failures. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelloServiceTest {

  @BeforeEach
  void register(Vertx vertx) throws Exception {
    vertx.eventBus().consumer(Addresses.HELLO, new HelloService("Hello, world!")).completion().await(5, TimeUnit.SECONDS);
  }

  private static Object ask(Vertx vertx, Object body) throws Exception {
    return vertx.eventBus().request(Addresses.HELLO, body).await(5, TimeUnit.SECONDS).body();
  }

  private static ReplyException failure(Vertx vertx, Object body) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> vertx.eventBus().request(Addresses.HELLO, body).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(FailureCodes.BAD_REQUEST, reply.failureCode());
    return reply;
  }

  @Test
  void greetsTheNameItIsGiven(Vertx vertx) throws Exception {
    assertEquals(new JsonObject().put("message", "Hello, Ada!"), ask(vertx, HelloMessages.request("Ada")));
    assertEquals(new JsonObject().put("message", "Hello, " + "é".repeat(128) + "!"), ask(vertx, HelloMessages.request("é".repeat(128))));
  }

  @Test
  void withoutANameGreetsTheWorld(Vertx vertx) throws Exception {
    assertEquals(new JsonObject().put("message", "Hello, world!"), ask(vertx, new JsonObject()));
  }

  @Test
  void fails400WhenTheBodyIsNotAnObject(Vertx vertx) {
    assertEquals("body must be a JSON object like {\"name\":\"Ada\"}", failure(vertx, "Ada").getMessage());
  }

  @Test
  void fails400WhenTheNameIsNotAString(Vertx vertx) {
    assertEquals("name must be a string", failure(vertx, new JsonObject().put("name", 7)).getMessage());
  }

  @Test
  void fails400WhenTheNameIsOver256Bytes(Vertx vertx) {
    assertEquals("name must be at most 256 UTF-8 bytes", failure(vertx, HelloMessages.request("é".repeat(129))).getMessage());
  }
}
