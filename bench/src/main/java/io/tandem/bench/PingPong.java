package io.tandem.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * TCP echo ping-pong: each connection sends one message (a line ending in '\n'), waits for all
 * of it to come back, checks every byte, and sends the next. Reports round trips/s and latency.
 */
final class PingPong {

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
    private int received;
    private long seq;
    private long sentAt;

    Player(LoadRun run, NetSocket socket, int id, int size) {
      this.run = run;
      this.socket = socket;
      this.message = new byte[size];
      this.seq = (long) id << 32;
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
      long n = seq++;
      for (int i = 0; i < message.length - 1; i++) {
        message[i] = (byte) ('a' + (int) ((n + i) % 26));
      }
      message[message.length - 1] = '\n';
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
