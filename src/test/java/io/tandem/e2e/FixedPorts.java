package io.tandem.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The ports the README's commands use as written: a test that runs them needs these free, and
 * says so plainly instead of failing halfway with "Address already in use".
 */
final class FixedPorts {

  static final int HTTP = 8888;
  static final int TCP = 8080;
  static final int CHAT = 8081;
  /** The README's second cluster node's chat. */
  static final int CHAT_SECOND = 8082;
  static final int TCP_BRIDGE = 7000;
  static final List<Integer> HAZELCAST = List.of(5701, 5702, 5703);

  private FixedPorts() {
  }

  static List<Integer> all() {
    List<Integer> ports = new ArrayList<>(List.of(HTTP, TCP, CHAT, CHAT_SECOND, TCP_BRIDGE));
    ports.addAll(HAZELCAST);
    return ports;
  }

  /** Fails naming every port of {@code ports} something already listens on. */
  static void assertFree(String why, List<Integer> ports) {
    List<Integer> taken = new ArrayList<>();
    for (int port : ports) {
      // Tandem binds 0.0.0.0 for HTTP, TCP and the chat, 127.0.0.1 for the rest: either one taken is a clash
      if (!free(new InetSocketAddress(port)) || !free(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        taken.add(port);
      }
    }
    if (!taken.isEmpty()) {
      fail("port(s) " + taken + " already in use: " + why + " (" + ports
          + "); stop whatever listens there (a Tandem started by hand?) and run again");
    }
  }

  private static boolean free(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
