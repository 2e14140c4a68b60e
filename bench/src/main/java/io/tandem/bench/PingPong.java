package io.tandem.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * TCP echo ping-pong: each connection sends one message, waits for all of it to come back, checks
 * every byte, and sends the next. A message is random bytes, as a binary stream is: a newline
 * turns up in about one 64-byte message in five, so Tandem publishes lines (rate-limited) as it
 * would for such a client. Reports round trips/s and latency.
 *
 * <p>{@code --rate n}: at most n round trips a second over all connections (the soak's steady
 * load), each begun by a turn of a {@link Ticker} taken by a connection whose last one is done;
 * 0, the default, is as fast as they go.
 */
final class PingPong {

  /** Connection i's messages come from this seed + i: the same in every run, different per connection. */
  private static final long SEED = 42;

  static void run(Args args) {
    String host = args.text("host", "127.0.0.1");
    int port = args.integer("port", 8080);
    int conns = args.integer("conns", 64);
    int size = args.integer("size", 64);
    double rate = args.decimal("rate", 0);
    LoadRun run = new LoadRun(args);
    run.connect(host, port, conns)
        .onSuccess(sockets -> {
          Turns turns = rate > 0 ? new Turns(rate) : null;
          for (int i = 0; i < conns; i++) {
            new Player(run, sockets.get(i), i, size, turns).serve();
          }
          if (turns != null) {
            Ticker.start(run.vertx, rate, turns::add);
          }
          run.begin(report -> report.put("conns", conns).put("size", size).put("rate", rate));
        });
  }

  /**
   * With a rate: the turns the ticker gave and no connection has taken yet (at most a second's),
   * and the connections whose round trip is done, waiting for one.
   */
  private static final class Turns {
    private final Deque<Player> waiting = new ArrayDeque<>();
    private final int most;
    private int owed;

    Turns(double rate) {
      most = Math.max(1, (int) rate);
    }

    void add(int turns) {
      owed = Math.min(most, owed + turns);
      while (owed > 0 && !waiting.isEmpty()) {
        owed--;
        waiting.poll().send();
      }
    }

    /** The player's next round trip, now if a turn is owed, else at the next one. */
    void next(Player player) {
      if (owed > 0) {
        owed--;
        player.send();
      } else {
        waiting.add(player);
      }
    }
  }

  /** One connection's conversation; confined to the generator's event loop. */
  private static final class Player {
    private final LoadRun run;
    private final NetSocket socket;
    private final byte[] message;
    private final SplittableRandom random;
    private final Turns turns;
    private int received;
    private long sentAt;
    private Throwable failure;

    Player(LoadRun run, NetSocket socket, int id, int size, Turns turns) {
      this.run = run;
      this.turns = turns;
      this.socket = socket;
      this.message = new byte[size];
      this.random = new SplittableRandom(SEED + id);
    }

    void serve() {
      socket.handler(this::check);
      socket.exceptionHandler(err -> failure = err);
      socket.closeHandler(closed -> {
        if (!run.over()) {
          LoadRun.fail("server closed a connection" + (failure == null ? "" : " (" + failure + ")"));
        }
      });
      next();
    }

    private void next() {
      if (turns == null) {
        send();
      } else {
        turns.next(this);
      }
    }

    void send() {
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
        next();
      }
    }
  }
}
