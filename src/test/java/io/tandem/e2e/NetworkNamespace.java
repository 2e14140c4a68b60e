package io.tandem.e2e;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client on another address than loopback, on this machine only: a network namespace joined to
 * this one by a veth pair, {@link #HOST} on this side and {@link #CLIENT} on the other. Needs root
 * (CAP_NET_ADMIN) and iproute2; without them a test is skipped with the reason, unless
 * {@code NETNS_REQUIRED} is set (CI sets it), where it fails.
 */
final class NetworkNamespace implements AutoCloseable {

  /** This machine's address on the pair: what the client in the namespace connects to. */
  static final String HOST = "10.213.7.1";
  /** The client's address: neither loopback nor any of this machine's. */
  static final String CLIENT = "10.213.7.2";

  private final String name;
  private final String hostLink;

  private NetworkNamespace(String name, String hostLink) {
    this.name = name;
    this.hostLink = hostLink;
  }

  static NetworkNamespace create() throws Exception {
    String id = Long.toString(ProcessHandle.current().pid() % 100_000);
    NetworkNamespace ns = new NetworkNamespace("tandem-it-" + id, "tdmh" + id);
    String nsLink = "tdmn" + id;
    ns.cleanUp();
    String failed = run(List.of("ip", "netns", "add", ns.name));
    if (failed != null) {
      String reason = "cannot create a network namespace (needs root and iproute2): " + failed;
      if (System.getenv("NETNS_REQUIRED") != null) {
        fail(reason);
      }
      Assumptions.abort(reason);
    }
    for (List<String> step : List.of(
        List.of("ip", "link", "add", ns.hostLink, "type", "veth", "peer", "name", nsLink),
        List.of("ip", "link", "set", nsLink, "netns", ns.name),
        List.of("ip", "addr", "add", HOST + "/30", "dev", ns.hostLink),
        List.of("ip", "link", "set", ns.hostLink, "up"),
        List.of("ip", "netns", "exec", ns.name, "ip", "addr", "add", CLIENT + "/30", "dev", nsLink),
        List.of("ip", "netns", "exec", ns.name, "ip", "link", "set", nsLink, "up"),
        List.of("ip", "netns", "exec", ns.name, "ip", "link", "set", "lo", "up"))) {
      String error = run(step);
      if (error != null) {
        ns.close();
        fail("setting up the namespace: " + String.join(" ", step) + ": " + error);
      }
    }
    return ns;
  }

  /** Runs {@code command} inside the namespace; its stdout (fails on a non-zero exit). */
  String exec(List<String> command) throws Exception {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("no end within 30 s: " + full);
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      fail(full + " exited " + process.exitValue() + ": " + out);
    }
    return out;
  }

  /** {@code curl} from the namespace: the status on the last line, after the body. */
  String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-m", "20", "-w", "\n%{http_code}"));
    command.addAll(List.of(args));
    return exec(command);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    cleanUp();
  }

  private void cleanUp() throws IOException, InterruptedException {
    run(List.of("ip", "link", "del", hostLink)); // takes its peer with it
    run(List.of("ip", "netns", "del", name));
  }

  /** Null when the command succeeded, else what it said. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.getMessage();
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return process.waitFor() == 0 ? null : (out.isEmpty() ? "exit " + process.exitValue() : out);
  }
}
