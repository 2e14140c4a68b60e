package io.tandem.fetch;

import io.tandem.net.VertxInternals;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes a {@code gzip} or {@code deflate} body as it streams, into a {@link BodySink}, inflating
 * never more than the sink has room for plus one buffer: a bomb (a few KiB that inflate to
 * gigabytes) costs the cap, not the gigabytes. Written here rather than left to Vert.x's client
 * (Netty's decompressor inflates each network chunk whole before anything can count it). One per
 * response, confined to its fetch's event loop; {@link #end} frees the native inflater.
 */
final class Inflating {

  /** Thrown for an encoding that does not decode: the body is broken, not the connection. */
  static final class Broken extends Exception {
    Broken(String message) {
      super(message, null, false, false);
    }
  }

  private static final int BUFFER = 16 * 1024;
  private static final int FTEXT_FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;

  private final boolean gzip;
  private Inflater inflater;
  private final byte[] out = new byte[BUFFER];
  /** gzip: the member header as read so far, until it is whole. */
  private Buffer header;
  /** deflate: the first bytes decide between a zlib wrapper (RFC 9110) and the raw form some servers send. */
  private boolean wrapperDecided;

  private Inflating(boolean gzip) {
    this.gzip = gzip;
    this.header = gzip ? Buffer.buffer() : null;
    this.inflater = new Inflater(gzip);
  }

  /** A decoder for a response's {@code Content-Encoding}, or null for one that is not decoded (none, identity, br, several). */
  static Inflating of(String contentEncoding) {
    if (contentEncoding == null) {
      return null;
    }
    return switch (contentEncoding.strip().toLowerCase(Locale.ROOT)) {
      case "gzip", "x-gzip" -> new Inflating(true);
      case "deflate" -> new Inflating(false);
      default -> null;
    };
  }

  /**
   * Decodes a chunk into {@code sink}, stopping once the sink is full ({@link BodySink#truncated});
   * returns what the sink took of it (for a download to write).
   */
  Buffer feed(Buffer chunk, BodySink sink) throws Broken {
    Buffer taken = Buffer.buffer();
    ByteBuffer input = VertxInternals.byteBuf(chunk).nioBuffer();
    if (gzip && header != null) {
      input = gzipHeader(input);
      if (input == null) {
        return taken; // the header is not whole yet
      }
    }
    if (!gzip && !wrapperDecided) {
      decideWrapper(input);
    }
    inflater.setInput(input);
    try {
      while (!sink.truncated() && !inflater.finished()) {
        // at most the room left plus one byte: the byte that says the body goes on past the cap
        int n = inflater.inflate(out, 0, (int) Math.min(out.length, sink.room() + 1));
        if (n == 0) {
          if (inflater.needsDictionary()) {
            throw new Broken("the body's deflate encoding wants a preset dictionary");
          }
          if (inflater.needsInput()) {
            return taken;
          }
          continue;
        }
        taken.appendBuffer(sink.take(Buffer.buffer(n).appendBytes(out, 0, n)));
      }
    } catch (DataFormatException e) {
      throw new Broken("the body's " + (gzip ? "gzip" : "deflate") + " encoding is broken: " + e.getMessage());
    }
    return taken;
  }

  /** Whether the encoded stream has come to its end (a gzip member, a deflate stream). */
  boolean complete() {
    return header == null && inflater.finished();
  }

  /** Frees the inflater's native memory; call once the body has ended, whatever its end. */
  void end() {
    inflater.end();
  }

  /** Reads what it can of a gzip member header (RFC 1952 §2.3); returns the input after it, or null while it is not whole. */
  private ByteBuffer gzipHeader(ByteBuffer input) throws Broken {
    int start = header.length();
    byte[] bytes = new byte[input.remaining()];
    input.get(bytes);
    header.appendBytes(bytes);
    int end = headerEnd(header);
    if (end < 0) {
      return null;
    }
    header = null;
    return ByteBuffer.wrap(bytes, end - start, bytes.length - (end - start));
  }

  /** Where the header ends in {@code read}, or -1 when more is needed. */
  private static int headerEnd(Buffer read) throws Broken {
    if (read.length() < 10) {
      return -1;
    }
    if ((read.getByte(0) & 0xFF) != 0x1F || (read.getByte(1) & 0xFF) != 0x8B || read.getByte(2) != 8) {
      throw new Broken("the body says gzip but is not");
    }
    int flags = read.getByte(3) & 0xFF;
    int at = 10;
    if ((flags & FEXTRA) != 0) {
      if (read.length() < at + 2) {
        return -1;
      }
      at += 2 + ((read.getByte(at) & 0xFF) | (read.getByte(at + 1) & 0xFF) << 8);
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        while (at < read.length() && read.getByte(at) != 0) {
          at++;
        }
        if (at >= read.length()) {
          return -1;
        }
        at++;
      }
    }
    if ((flags & FTEXT_FHCRC) != 0) {
      at += 2;
    }
    return at <= read.length() ? at : -1;
  }

  /** RFC 9110's deflate is zlib-wrapped; a first byte that is not a zlib header means the raw form. */
  private void decideWrapper(ByteBuffer input) {
    if (!input.hasRemaining()) {
      return;
    }
    wrapperDecided = true;
    int cmf = input.get(input.position()) & 0xFF;
    boolean zlib = (cmf & 0x0F) == 8 && (cmf >> 4) <= 7;
    if (!zlib) {
      inflater.end();
      inflater = new Inflater(true);
    }
  }
}
