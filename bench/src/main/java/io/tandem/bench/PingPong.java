package io.tandem.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.SplittableRandom;

/**
 * TCP echo ping-pong: each connection sends one message, waits for all of it to come back, checks
 * every byte, and sends the next. A message is random bytes, as a binary stream is: a newline
 * turns up in about one 64-byte message in five, so Tandem publishes lines (rate-limited) as it
 * would for such a client. Reports round trips/s and latency.
 */
final class PingPong {

  /** Connection i's messages come from this seed + i: the same in every run, different per connection. */
  private static final long SEED = 42;

  static void run(Args args) {
    String host = args.text("host", "127.0.0.1");
    int port = args.integer("port", 8080);
    int conns = args.integer("conns", 64);
    int size = args.integer("size", 64);
    LoadRun run = new LoadRun(args);
    run.connect(host, port, conns)
        .onSuccess(sockets -> {
          for (int i = 0; i < conns; i++) {
            new Player(run, sockets.get(i), i, size).serve();
          }
          run.begin(report -> report.put("conns", conns).put("size", size));
        });
  }

  /** One connection's conversation; confined to the generator's event loop. */
  private static final class Player {
    private final LoadRun run;
    private final NetSocket socket;
    private final byte[] message;
    private final SplittableRandom random;
    private int received;
    private long sentAt;

    Player(LoadRun run, NetSocket socket, int id, int size) {
      this.run = run;
      this.socket = socket;
      this.message = new byte[size];
      this.random = new SplittableRandom(SEED + id);
    }

    void serve() {
      socket.handler(this::check);
      socket.closeHandler(closed -> {
        if (!run.over()) {
          LoadRun.fail("server closed a connection");
        }
      });
      send();
    }

    private void send() {
      // a different message each time, so a stale or misrouted echo cannot pass the check
      random.nextBytes(message);
      received = 0;
      sentAt = System.nanoTime();
      socket.write(Buffer.buffer(message.clone()));
    }

    private void check(Buffer data) {
      int length = data.length();
      if (received + length > message.length) {
        LoadRun.fail("echo longer than the message sent");
      }
      for (int i = 0; i < length; i++) {
        if (data.getByte(i) != message[received + i]) {
          LoadRun.fail("echo differs from what was sent at byte " + (received + i));
        }
      }
      received += length;
      if (received == message.length) {
        run.latency(sentAt);
        run.count(1);
        send();
      }
    }
  }
}
