package io.tandem.bridge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyAddressesTest {

  @Test
  void eachAddressIsAnsweredOnce() {
    ReplyAddresses<String> addresses = new ReplyAddresses<>();
    assertNull(addresses.add("__vertx.reply.1", "first"));
    assertEquals("first", addresses.take("__vertx.reply.1"));
    assertNull(addresses.take("__vertx.reply.1"));
    assertNull(addresses.take("__vertx.reply.2"), "never received");
  }

  @Test
  void pastTheLimitTheOldestIsPushedOutAndHandedBack() {
    ReplyAddresses<Integer> addresses = new ReplyAddresses<>();
    for (int i = 0; i < ReplyAddresses.MAX; i++) {
      assertNull(addresses.add("__vertx.reply." + i, i));
    }
    assertEquals(0, addresses.add("__vertx.reply.new", ReplyAddresses.MAX));
    assertNull(addresses.take("__vertx.reply.0"));
    assertEquals(1, addresses.take("__vertx.reply.1"));

    List<Integer> left = new ArrayList<>();
    addresses.clear(left::add);
    assertEquals(ReplyAddresses.MAX - 1, left.size());
    assertNull(addresses.take("__vertx.reply.2"), "cleared");
  }

  @Test
  void onlyTheBussOwnPrefixIsAReplyAddress() {
    assertTrue(ReplyAddresses.isReplyAddress("__vertx.reply.42"));
    assertFalse(ReplyAddresses.isReplyAddress("tandem.echo"));
    assertFalse(ReplyAddresses.isReplyAddress("x__vertx.reply.42"));
  }
}
