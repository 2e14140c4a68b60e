package io.tandem.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** Blocking socket helpers for tests; they run on the JUnit thread, never on an event loop. */
public final class Sockets {

  private Sockets() {
  }

  public static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /**
   * Whether anything accepts connections on {@code port}. A connect that "succeeds" can still mean
   * nobody listens: when the kernel picks the closed port itself as the source port, TCP's
   * simultaneous open connects the socket to itself, so that case counts as not listening.
   */
  public static boolean isListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      return socket.getLocalPort() != port;
    } catch (IOException refused) {
      return false;
    }
  }

  /** A connection from a loopback address of our choosing (all of 127.0.0.0/8 is loopback on Linux). */
  public static Socket connectFrom(String source, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(source, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  /** Everything until the peer closes; fails on a reset or after the socket's read timeout. */
  public static String readToEnd(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  public static byte[] readExactly(InputStream in, int length) throws IOException {
    byte[] data = in.readNBytes(length);
    if (data.length != length) {
      throw new IOException("stream ended after " + data.length + " of " + length + " bytes");
    }
    return data;
  }

  public static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new IOException("stream ended inside a line: " + line.toString(StandardCharsets.UTF_8));
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Writes {@code text} and reads back as many bytes. */
  public static String roundTrip(Socket socket, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(bytes);
    return new String(readExactly(socket.getInputStream(), bytes.length), StandardCharsets.UTF_8);
  }

  /** What a socket reads until the server closes or resets it; fails if neither happens within its timeout. */
  public static String readUntilCutOff(Socket socket) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] chunk = new byte[65536];
    try {
      for (int read; (read = socket.getInputStream().read(chunk)) >= 0; ) {
        got.write(chunk, 0, read);
      }
    } catch (SocketException e) {
      if (!String.valueOf(e.getMessage()).contains("reset")) {
        throw e;
      }
    }
    return got.toString(StandardCharsets.UTF_8);
  }
}
