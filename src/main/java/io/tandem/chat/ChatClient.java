package io.tandem.chat;

import io.netty.channel.socket.SocketChannel;
import io.tandem.bus.ChatMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.tandem.net.VertxInternals;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The terminal client: {@code chat [--host H] [--port P] [--nick NAME]} sends each line typed and
 * prints whatever the server sends the moment it arrives, even mid-typing. On the chat's port (the
 * default) it speaks the chat's line protocol ({@link ChatSession}), {@code --nick} choosing the
 * nickname before the first line typed; on the echo's port every line comes back.
 *
 * <p>Reading the keyboard blocks, so it must never happen on an event loop: a plain thread reads
 * the terminal and the socket lives on a Vert.x event loop;
 * NetSocket writes are thread-safe. {@code quit} or end of input half-closes the connection, so
 * the echo of the last lines still arrives before the server closes and the client exits 0.
 */
public final class ChatClient {

  static final String DEFAULT_HOST = "localhost";
  static final int DEFAULT_PORT = 8081;
  static final String USAGE = "usage: java -jar tandem.jar chat [--host HOST] [--port PORT] [--nick NAME]";
  /** How long to wait, after quitting, for the server to echo the last lines and close. */
  private static final long LEAVE_TIMEOUT_MS = 2000;

  private ChatClient() {
  }

  /** @return the process exit status */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    String nick = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(USAGE);
        return 0;
      }
      if (i + 1 >= args.length || !(arg.equals("--host") || arg.equals("--port") || arg.equals("--nick"))) {
        err.println("chat: unexpected argument " + arg + "; " + USAGE);
        return 2;
      }
      String value = args[++i];
      if (arg.equals("--host")) {
        host = value;
      } else if (arg.equals("--nick")) {
        if (!ChatMessages.isNickname(value)) {
          err.println("chat: --nick must be 1..32 of A-Z, a-z, 0-9, _ and -, got " + value);
          return 2;
        }
        nick = value;
      } else {
        try {
          port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535) {
          err.println("chat: --port must be 1..65535, got " + value);
          return 2;
        }
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      return converse(vertx, host, port, nick, in, out, err);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  private static int converse(Vertx vertx, String host, int port, String nick, InputStream in, PrintStream out, PrintStream err) {
    // held to the end: Vert.x 5 shuts a client down, its connection with it, once the client
    // object is unreachable (CleanableNetClient's Cleaner), which a collection mid-conversation may find
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
    NetSocket socket;
    try {
      socket = client.connect(port, host)
          .toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      err.println("chat: cannot connect to " + host + ":" + port + ": " + cause.getMessage());
      return 1;
    }
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicBoolean leaving = new AtomicBoolean();
    socket.handler(data -> {
      // a terminal, not a network peer: if it blocks, the socket is rightly not read meanwhile
      out.write(data.getBytes(), 0, data.length());
      out.flush();
    });
    socket.closeHandler(closed -> {
      if (!leaving.get()) {
        err.println("chat: the server closed the connection");
      }
      done.complete(0);
    });
    socket.exceptionHandler(failure -> {
      err.println("chat: " + failure.getMessage());
      done.complete(1);
    });
    if (nick != null) {
      socket.write("/nick " + nick + "\n");
    }
    Thread terminal = new Thread(() -> readTerminal(in, socket, vertx, leaving, done), "chat-terminal");
    terminal.setDaemon(true);
    terminal.start();
    try {
      return done.join();
    } finally {
      Reference.reachabilityFence(client);
    }
  }

  private static void readTerminal(InputStream in, NetSocket socket, Vertx vertx, AtomicBoolean leaving,
                                   CompletableFuture<Integer> done) {
    Future<Void> lastWrite = Future.succeededFuture();
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = lines.readLine()) != null && !line.equals("quit")) {
        lastWrite = socket.write(line + "\n");
      }
    } catch (IOException e) {
      // the terminal is gone: leave as at end of input
    }
    leaving.set(true);
    // shut down our side only once everything typed is written; the server then echoes the rest and closes
    lastWrite.onComplete(written -> ((SocketChannel) VertxInternals.channel(socket)).shutdownOutput());
    vertx.setTimer(LEAVE_TIMEOUT_MS, late -> done.complete(0));
  }
}
