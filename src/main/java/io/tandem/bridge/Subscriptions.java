package io.tandem.bridge;

import io.micrometer.core.instrument.Counter;
import io.tandem.bus.FailureCodes;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;

import java.util.HashMap;
import java.util.Map;

/**
 * One TCP-bridge client's subscriptions: a bus consumer per address it registered (at most
 * {@value #MAX}), each handing what arrives to the client, or dropping it while the client does not
 * read fast enough, so that a slow client costs messages, not the process its memory.
 */
final class Subscriptions {

  static final int MAX = 256;

  /** What a subscription needs of its connection. */
  interface Client {
    /** A message that arrived on a subscribed address, for the client. */
    void deliver(String address, Message<Object> message, boolean send);

    /** A frame of Tandem's own (the acknowledgement of a register) for the client. */
    void write(JsonObject frame);

    /** A line about the client, for the rate-limited log. */
    void logRefusal(String what);
  }

  private final EventBus bus;
  private final NetSocket socket;
  private final Client client;
  private final Map<String, MessageConsumer<Object>> byAddress = new HashMap<>();
  private long dropped;
  private final Counter droppedMeter;

  Subscriptions(EventBus bus, NetSocket socket, Client client, Counter droppedMeter) {
    this.bus = bus;
    this.droppedMeter = droppedMeter;
    this.socket = socket;
    this.client = client;
  }

  /**
   * Subscribes to {@code address}, which the policy allowed, and acknowledges it if the frame asks;
   * a second register of one address only acknowledges. False when the client has {@value #MAX}.
   */
  boolean register(String address, JsonObject frame) {
    MessageConsumer<Object> existing = byAddress.get(address);
    if (existing != null) {
      acknowledge(frame, existing);
      return true;
    }
    if (byAddress.size() >= MAX) {
      return false;
    }
    MessageConsumer<Object> consumer = bus.consumer(address, message -> {
      if (socket.writeQueueFull()) {
        dropped++;
        droppedMeter.increment();
        client.logRefusal("is not reading fast enough; " + dropped + " messages dropped so far");
        if (message.replyAddress() != null) {
          message.fail(FailureCodes.UNAVAILABLE, "the bridge client is not reading fast enough; the request was dropped");
        }
        return;
      }
      client.deliver(address, message, message.isSend());
    });
    byAddress.put(address, consumer);
    acknowledge(frame, consumer);
    return true;
  }

  /** Whether the client was subscribed to {@code address} (it is not any more). */
  boolean unregister(String address) {
    MessageConsumer<Object> consumer = byAddress.remove(address);
    if (consumer != null) {
      consumer.unregister();
    }
    return consumer != null;
  }

  /** The client went away: every consumer goes with it. */
  void clear() {
    byAddress.values().forEach(MessageConsumer::unregister);
    byAddress.clear();
  }

  /**
   * Tells a client that asked when its subscription is in place: on a clustered bus, on every
   * node. Only if it is still the subscription of that address: after an unregister and a new
   * register, the old consumer's completion must not vouch for the new one.
   */
  private void acknowledge(JsonObject frame, MessageConsumer<Object> consumer) {
    if (Frames.wantsAck(frame)) {
      consumer.completion().onSuccess(done -> {
        if (byAddress.get(consumer.address()) == consumer) {
          client.write(Frames.registered(consumer.address()));
        }
      });
    }
  }
}
