package io.tandem.bridge;

import io.tandem.net.Utf8;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.util.function.Consumer;

/**
 * Cuts a TCP bridge client's bytes into frames — a 4-byte big-endian length, then that many bytes
 * of UTF-8 JSON, one object — and hands each on decoded, or as a refusal naming what was wrong.
 * A length over {@code bridge.maxFrameBytes} ends the reading: the stream cannot be followed past
 * it. Written here rather than taken from Vert.x's TCP bridge, whose parser neither bounds a
 * frame's length nor lets a bad frame be answered and the connection go on.
 */
final class FrameReader {

  /** What the client sent: a frame, or why it is not one. */
  interface Sink {
    void frame(JsonObject frame);

    /** @param fatal the stream cannot be read further */
    void refused(String code, String reason, boolean fatal);
  }

  private final RecordParser parser;
  private final int maxFrameBytes;
  private final Runnable counted;
  private final Sink frames;
  private boolean awaitingLength = true;

  /** @param counted told of every whole frame read, good or bad, before it is handed on (see {@link ReadPacing}) */
  FrameReader(NetSocket socket, int maxFrameBytes, Runnable counted, Sink frames, Consumer<Throwable> failed) {
    this.maxFrameBytes = maxFrameBytes;
    this.counted = counted;
    this.frames = frames;
    this.parser = RecordParser.newFixed(4, socket);
    parser.handler(this::record);
    parser.exceptionHandler(failed::accept);
  }

  void pause() {
    parser.pause();
  }

  void resume() {
    parser.resume();
  }

  private void record(Buffer record) {
    if (awaitingLength) {
      long length = record.getUnsignedInt(0);
      if (length > maxFrameBytes) {
        parser.pause();
        frames.refused("frame_too_large", "a frame of " + length + " bytes is over bridge.maxFrameBytes ("
            + maxFrameBytes + "); closing, as the stream cannot be followed past it", true);
        return;
      }
      if (length == 0) {
        frames.refused("invalid_json", "an empty frame", false);
        return;
      }
      awaitingLength = false;
      parser.fixedSizeMode((int) length);
      return;
    }
    awaitingLength = true;
    parser.fixedSizeMode(4);
    counted.run();
    decode(record);
  }

  private void decode(Buffer bytes) {
    if (!Utf8.isValid(bytes)) {
      // Jackson would read an overlong "/" or a lone surrogate into the text
      frames.refused("invalid_json", "a frame must be UTF-8", false);
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(bytes);
    } catch (DecodeException | ClassCastException e) {
      frames.refused("invalid_json", "a frame must be one JSON object", false);
      return;
    }
    frames.frame(frame);
  }
}
