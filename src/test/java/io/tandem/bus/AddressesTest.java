package io.tandem.bus;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What meters call an address: one of a fixed few values, whichever address a client uses. */
class AddressesTest {

  @Test
  void anAddressIsTandemsOwnItsFamilysTemplateOrOther() {
    assertEquals("tandem.fetch", Addresses.metricLabel("tandem.fetch"));
    assertEquals("tandem.fetch.progress.{name}", Addresses.metricLabel("tandem.fetch.progress.job-42"));
    assertEquals("tandem.fetch.url.{node}", Addresses.metricLabel("tandem.fetch.url.5f2c"));
    assertEquals("tandem.tcp.send.{node}", Addresses.metricLabel("tandem.tcp.send.a1b2"));
    assertEquals("tandem.chat.room.{name}", Addresses.metricLabel("tandem.chat.room.general"));
    assertEquals("tandem.chat.private.{node}", Addresses.metricLabel("tandem.chat.private.5f2c"));
    assertEquals("tandem.chat.send", Addresses.metricLabel("tandem.chat.send"));
    assertEquals("other", Addresses.metricLabel("__vertx.reply.17"));
    assertEquals("other", Addresses.metricLabel("my.own.service"));
    assertEquals("other", Addresses.metricLabel("tandem.fetchx"));
  }

  @Test
  void everyLabelIsListedOnceForMetersMadeUpFront() {
    List<String> labels = Addresses.metricLabels();
    assertEquals(labels.size(), labels.stream().distinct().count());
    for (String address : List.of("tandem.echo", "tandem.fetch.progress.x", "tandem.fetch.url.n", "tandem.tcp.send.n",
        "tandem.chat.room.x", "tandem.chat.private.n", "x")) {
      assertTrue(labels.contains(Addresses.metricLabel(address)), address);
    }
    assertEquals(20, labels.size(), "14 addresses, 5 families, other: " + labels);
  }
}
