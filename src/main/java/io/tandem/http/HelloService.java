package io.tandem.http;

import io.tandem.bus.BusException;
import io.tandem.bus.HelloMessages;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;

/** The {@code tandem.hello} consumer: greets the name it is given, or the world. */
final class HelloService implements Handler<Message<Object>> {

  private final String greeting;

  HelloService(String greeting) {
    this.greeting = greeting;
  }

  @Override
  public void handle(Message<Object> message) {
    String name;
    try {
      name = HelloMessages.readName(message.body());
    } catch (BusException e) {
      e.failReply(message);
      return;
    }
    message.reply(HelloMessages.reply(name == null ? greeting : "Hello, " + name + "!"));
  }
}
