package io.tandem.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** A chat client for tests: a real socket, lines sent, lines awaited (10 s at most each). */
public final class ChatLineClient implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;
  private final List<String> seen = new ArrayList<>();

  private ChatLineClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /** Connects and reads the greeting. */
  public static ChatLineClient connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    ChatLineClient client = new ChatLineClient(socket);
    client.await(line -> line.startsWith("* welcome to Tandem chat"));
    return client;
  }

  /** Connects, takes a nickname and waits until it talks in #general. */
  public static ChatLineClient as(int port, String nick) throws IOException {
    ChatLineClient client = connect(port);
    client.send("/nick " + nick);
    client.await("* you are " + nick);
    client.await("* end of history");
    return client;
  }

  public ChatLineClient send(String... lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  public void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next line; fails when none comes. */
  public String next() throws IOException {
    try {
      String line = in.readLine();
      if (line == null) {
        fail("the server closed the connection; seen: " + seen);
      }
      seen.add(line);
      return line;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no line within 10 s; seen: " + seen, e);
    }
  }

  /** Reads until a line equal to {@code wanted}; returns the lines before it. */
  public List<String> await(String wanted) throws IOException {
    return await(wanted::equals);
  }

  public List<String> await(Predicate<String> wanted) throws IOException {
    List<String> before = new ArrayList<>();
    for (String line = next(); !wanted.test(line); line = next()) {
      before.add(line);
    }
    return before;
  }

  /** Every line until the server closes the connection. */
  public List<String> readToEnd() throws IOException {
    List<String> rest = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) {
      rest.add(line);
    }
    return rest;
  }

  public void endInput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
