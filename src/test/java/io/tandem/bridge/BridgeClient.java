package io.tandem.bridge;

import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A blocking client of the TCP bridge for tests: writes frames (or any bytes), reads frames. */
public final class BridgeClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public BridgeClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  public void send(JsonObject frame) throws IOException {
    sendFrameBytes(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  void sendFrameBytes(byte[] json) throws IOException {
    out.write(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
    out.flush();
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public JsonObject read() throws IOException {
    int length = in.readInt();
    byte[] json = new byte[length];
    in.readFully(json);
    return new JsonObject(new String(json, StandardCharsets.UTF_8));
  }

  /** Bytes received and not read yet. */
  int available() throws IOException {
    return in.available();
  }

  /** True when the server has closed the connection (after reading nothing more). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (EOFException e) {
      return true;
    }
  }

  public static JsonObject request(String address, String replyAddress, Object body) {
    return new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress).put("body", body);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
