package io.tandem.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Connections that come and go: {@code --rate} new connections a second, taking turns at three
 * kinds — an HTTP/1.0 {@code GET /} on {@code --http-port} read to the server's close (status 200,
 * the body ending with {@code --greeting}); a TCP echo of 32 random bytes on {@code --tcp-port},
 * checked, then closed by the client; and a connection to the HTTP port closed at once, nothing
 * sent. A wrong answer, a refused connection or one not done in 10 s ends the run with status 1.
 * Counted operations are connections done; {@code behind} counts turns not taken because 200 were
 * still open.
 */
final class ConnectionChurn {

  private static final int MAX_OPEN = 200;
  private static final long DEADLINE_MS = 10_000;
  private static final int ECHO_BYTES = 32;

  private final LoadRun run;
  private final NetClient client;
  private final int httpPort;
  private final int tcpPort;
  private final byte[] request = "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private final String greeting;
  private final SplittableRandom random = new SplittableRandom(42);
  private long turn;
  private int open;
  private long behind;

  private ConnectionChurn(Args args) {
    run = new LoadRun(args);
    client = run.vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout((int) DEADLINE_MS));
    httpPort = args.integer("http-port", 8888);
    tcpPort = args.integer("tcp-port", 8080);
    greeting = args.text("greeting", "Hello, world!");
  }

  static void run(Args args) {
    ConnectionChurn churn = new ConnectionChurn(args);
    double rate = args.decimal("rate", 100);
    Ticker.start(churn.run.vertx, rate, churn::open);
    churn.run.begin(report -> report.put("rate", rate).put("behind", churn.behind));
  }

  private void open(int turns) {
    for (int t = 0; t < turns; t++) {
      if (open >= MAX_OPEN) {
        behind++;
        continue;
      }
      open++;
      long kind = turn++ % 3;
      long startedAt = System.nanoTime();
      client.connect(kind == 1 ? tcpPort : httpPort, "127.0.0.1")
          .onFailure(err -> LoadRun.fail("connect: " + err))
          .onSuccess(socket -> {
            long timer = run.vertx.setTimer(DEADLINE_MS, late -> LoadRun.fail("a kind " + kind + " connection not done in 10 s"));
            Runnable done = () -> {
              run.vertx.cancelTimer(timer);
              open--;
              run.latency(startedAt);
              run.count(1);
            };
            if (kind == 0) {
              httpOnce(socket, done);
            } else if (kind == 1) {
              echoOnce(socket, done);
            } else {
              socket.closeHandler(closed -> done.run());
              socket.close();
            }
          });
    }
  }

  private void httpOnce(NetSocket socket, Runnable done) {
    Buffer answer = Buffer.buffer();
    socket.handler(answer::appendBuffer);
    socket.closeHandler(closed -> {
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      if (!text.matches("(?s)HTTP/1\\.[01] 200 .*") || !text.endsWith(greeting)) {
        LoadRun.fail("GET / over HTTP/1.0 answered " + text);
      }
      done.run();
    });
    socket.write(Buffer.buffer(request));
  }

  private void echoOnce(NetSocket socket, Runnable done) {
    byte[] sent = new byte[ECHO_BYTES];
    random.nextBytes(sent);
    Buffer back = Buffer.buffer();
    socket.handler(data -> {
      back.appendBuffer(data);
      if (back.length() > ECHO_BYTES || !back.equals(Buffer.buffer(sent).slice(0, back.length()))) {
        LoadRun.fail("echo differs from the " + ECHO_BYTES + " bytes sent");
      }
      if (back.length() == ECHO_BYTES) {
        socket.close();
      }
    });
    socket.closeHandler(closed -> {
      if (back.length() != ECHO_BYTES) {
        LoadRun.fail("the echo closed a connection after " + back.length() + " of " + ECHO_BYTES + " bytes");
      }
      done.run();
    });
    socket.write(Buffer.buffer(sent.clone()));
  }
}
