package io.tandem.net;

import io.tandem.config.HostPattern;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The connection caps and the descriptor budget, as plain rules. */
class ConnectionGateTest {

  private static final List<HostPattern> LOOPBACK_ONE = List.of(HostPattern.parse("127.0.0.1"));

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void oneClientIsCappedAndItsSlotsComeBackWhenItsConnectionsClose() throws Exception {
    ConnectionGate gate = new ConnectionGate("http", 100, 2, LOOPBACK_ONE, new Descriptors(10_000, 0, 0), false);
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("10.0.0.1")));
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("10.0.0.1")));
    assertEquals(ConnectionGate.Admission.OVER_CLIENT, gate.admit(ip("10.0.0.1")));
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("10.0.0.2")));
    for (int i = 0; i < 10; i++) {
      assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("127.0.0.1")), "unlimited");
    }
    gate.release(ip("10.0.0.1"), ConnectionGate.Admission.ADMITTED);
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("10.0.0.1")));
    assertEquals(13, gate.openCount());
    assertEquals(1, gate.refusedCount());
  }

  @Test
  void anIpv6ClientIsItsSlash64WhateverAddressInItItPicks() throws Exception {
    ConnectionGate gate = new ConnectionGate("http", 100, 2, List.of(HostPattern.parse("::1")), new Descriptors(10_000, 0, 0), false);
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("2001:db8:1:2::1")));
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
    assertEquals(ConnectionGate.Admission.OVER_CLIENT, gate.admit(ip("2001:db8:1:2:ffff::9")), "the same /64");
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("2001:db8:1:3::1")), "the next /64 is another client");
    for (int i = 0; i < 5; i++) {
      assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("::1")), "unlimited");
    }
    gate.release(ip("2001:db8:1:2::1"), ConnectionGate.Admission.ADMITTED);
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("2001:db8:1:2::77")), "its slot came back");
    assertEquals(ConnectionGate.Admission.OVER_CLIENT, gate.admit(ip("2001:db8:1:2::78")));
    assertEquals(ip("10.0.0.1"), ConnectionGate.client(ip("10.0.0.1")), "IPv4: the address itself");
  }

  @Test
  void theListenerCapCountsEveryone() throws Exception {
    ConnectionGate gate = new ConnectionGate("http", 2, 0, List.of(), new Descriptors(10_000, 0, 0), false);
    gate.admit(ip("10.0.0.1"));
    gate.admit(ip("10.0.0.2"));
    assertEquals(ConnectionGate.Admission.OVER_MAX, gate.admit(ip("10.0.0.3")));
    gate.release(ip("10.0.0.1"), ConnectionGate.Admission.ADMITTED);
    assertEquals(ConnectionGate.Admission.ADMITTED, gate.admit(ip("10.0.0.3")));
  }

  @Test
  void aFloodedListenerLeavesRoomForTheOthersForProbesAndForTheRest() throws Exception {
    // 1100 descriptors, 100 in use: a budget of 1000, a reserve of 200
    Descriptors descriptors = new Descriptors(1100, 100, 200);
    ConnectionGate http = new ConnectionGate("http", 100_000, 0, List.of(), descriptors, true);
    ConnectionGate tcp = new ConnectionGate("tcp", 100_000, 0, List.of(), descriptors, false);
    InetAddress flooder = ip("10.0.0.9");
    for (int i = 0; i < 800; i++) {
      assertEquals(ConnectionGate.Admission.ADMITTED, http.admit(flooder));
    }
    assertEquals(ConnectionGate.Admission.PROBE_ONLY, http.admit(flooder), "one listener stops at budget - reserve");
    for (int i = 0; i < 99; i++) {
      assertEquals(ConnectionGate.Admission.ADMITTED, tcp.admit(flooder), "the others still get in");
    }
    assertEquals(ConnectionGate.Admission.OVER_DESCRIPTORS, tcp.admit(flooder), "all ordinary ones stop at budget - reserve/2");
    assertEquals(ConnectionGate.Admission.PROBE_ONLY, http.admit(flooder));
    assertEquals(ConnectionGate.Admission.OVER_DESCRIPTORS, http.admit(flooder),
        "a client holds at most " + ConnectionGate.PROBES_PER_CLIENT + " connections of the probe tier");
    assertEquals(ConnectionGate.Admission.PROBE_ONLY, http.admit(ip("10.0.1.1")), "a health checker still gets in");
    http.release(ip("10.0.1.1"), ConnectionGate.Admission.PROBE_ONLY);
    assertEquals(ConnectionGate.Admission.PROBE_ONLY, http.admit(ip("10.0.1.1")), "and again once its probe closed");
    for (int host = 2; host < 26; host++) {
      assertEquals(ConnectionGate.Admission.PROBE_ONLY, http.admit(ip("10.0.1." + host)));
      assertEquals(ConnectionGate.Admission.PROBE_ONLY, http.admit(ip("10.0.1." + host)));
    }
    assertEquals(ConnectionGate.Admission.OVER_DESCRIPTORS, http.admit(ip("10.0.2.1")),
        "the last quarter of the reserve is never for connections");
    for (int i = 0; i < 60; i++) {
      http.release(flooder, ConnectionGate.Admission.ADMITTED);
    }
    assertEquals(ConnectionGate.Admission.ADMITTED, tcp.admit(flooder), "closed connections give their descriptors back");
  }

  @Test
  void theReserveIsAtMostAQuarterOfTheBudget() {
    Descriptors descriptors = new Descriptors(1000, 200, 2048);
    assertEquals(800, descriptors.budget());
    assertEquals(200, descriptors.reserve());
  }

  @Test
  void theBudgetFollowsWhatElseTheProcessHoldsNotItsOwnConnections() throws Exception {
    Descriptors descriptors = new Descriptors(1100, 100, 200);
    ConnectionGate gate = new ConnectionGate("tcp", 100_000, 0, List.of(), descriptors, false);
    for (int i = 0; i < 300; i++) {
      gate.admit(ip("10.0.0.1"));
    }
    descriptors.refresh(400); // 300 more held by others (say the fetcher's connections)
    assertEquals(1000, descriptors.budget(), "one reading is not enough: it may be a burst's connections in passing");
    descriptors.refresh(400);
    assertEquals(700, descriptors.budget(), "two in a row: it is real");
    assertEquals(175, descriptors.reserve());
    descriptors.refresh(100);
    assertEquals(1000, descriptors.budget(), "what others give back counts at once");
  }
}
