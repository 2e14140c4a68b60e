package io.tandem.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * TCP echo streaming: each connection writes chunks as fast as the socket takes them (pausing
 * when its write queue is full) and checks every byte that comes back against what it sent.
 * A connection's chunk is random bytes, its own (the seed + its number), written again and again:
 * binary data with a newline now and then, as a real stream has. Reports echoed bytes per second.
 */
final class Stream {

  /** Connection i's chunk comes from this seed + i: the same in every run, different per connection. */
  private static final long SEED = 42;

  static void run(Args args) {
    String host = args.text("host", "127.0.0.1");
    int port = args.integer("port", 8080);
    int conns = args.integer("conns", 16);
    int chunkBytes = args.integer("chunk", 16384);
    LoadRun run = new LoadRun(args);
    run.connect(host, port, conns)
        .onSuccess(sockets -> {
          for (int i = 0; i < conns; i++) {
            byte[] pattern = new byte[chunkBytes];
            new SplittableRandom(SEED + i).nextBytes(pattern);
            new Streamer(run, sockets.get(i), pattern).serve();
          }
          run.begin(report -> report.put("conns", conns).put("chunk", chunkBytes)
              .put("mbPerSecond", report.getDouble("perSecond") / 1e6));
        });
  }

  private static final class Streamer {
    private final LoadRun run;
    private final NetSocket socket;
    private final byte[] pattern;
    private final Buffer chunk;
    private byte[] scratch = new byte[0];
    private long sent;
    private long received;

    Streamer(LoadRun run, NetSocket socket, byte[] pattern) {
      this.run = run;
      this.socket = socket;
      this.pattern = pattern;
      this.chunk = Buffer.buffer(pattern);
    }

    void serve() {
      socket.handler(this::check);
      socket.drainHandler(drained -> write());
      socket.closeHandler(closed -> {
        if (!run.over()) {
          LoadRun.fail("server closed a connection");
        }
      });
      write();
    }

    private void write() {
      while (!socket.writeQueueFull()) {
        socket.write(chunk);
        sent += chunk.length();
      }
    }

    private void check(Buffer data) {
      int length = data.length();
      if (received + length > sent) {
        LoadRun.fail("more bytes came back than were sent");
      }
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, pattern.length)];
      }
      data.getBytes(0, length, scratch, 0);
      int at = 0;
      while (at < length) {
        int offset = (int) ((received + at) % pattern.length);
        int span = Math.min(length - at, pattern.length - offset);
        if (Arrays.mismatch(scratch, at, at + span, pattern, offset, offset + span) >= 0) {
          LoadRun.fail("echo differs from what was sent near byte " + (received + at));
        }
        at += span;
      }
      received += length;
      run.count(length);
    }
  }
}
