package io.tandem.echo;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Cuts a connection's byte stream into lines (LF or CRLF) for {@code tandem.tcp.messages}. It
 * only reads the bytes, so the echo is never altered. A line longer than the limit is handed on
 * cut (at a UTF-8 character boundary) and marked truncated as soon as it passes the limit; the
 * rest of it, up to the next LF, is skipped. Memory per connection is at most the limit.
 * Confined to the connection's event loop.
 */
final class LineFramer {

  /** Receives each line, decoded as UTF-8 (malformed bytes become U+FFFD). */
  interface LineHandler {
    void line(String text, boolean truncated);
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final int maxLineBytes;
  private final LineHandler handler;
  private byte[] pending = new byte[128];
  private int length;
  private boolean skipping;

  LineFramer(int maxLineBytes, LineHandler handler) {
    this.maxLineBytes = maxLineBytes;
    this.handler = handler;
  }

  /** Reads the readable bytes of {@code data} without consuming them. */
  void feed(ByteBuf data) {
    int index = data.readerIndex();
    int end = data.writerIndex();
    while (index < end) {
      int lf = data.indexOf(index, end, LF);
      int stop = lf < 0 ? end : lf;
      if (!skipping) {
        append(data, index, stop - index);
      }
      if (lf < 0) {
        return;
      }
      if (skipping) {
        skipping = false;
      } else {
        endLine();
      }
      length = 0;
      index = lf + 1;
    }
  }

  private void append(ByteBuf data, int from, int count) {
    // one byte of slack: a line of exactly maxLineBytes may still be followed by CR LF
    int room = maxLineBytes + 1 - length;
    int taken = Math.min(count, room);
    ensureCapacity(length + taken);
    data.getBytes(from, pending, length, taken);
    length += taken;
    if (count > room) {
      handler.line(decode(cutPoint()), true);
      skipping = true;
      length = 0;
    }
  }

  private void endLine() {
    int end = length > 0 && pending[length - 1] == CR ? length - 1 : length;
    if (end > maxLineBytes) {
      handler.line(decode(cutPoint()), true);
    } else {
      handler.line(decode(end), false);
    }
  }

  /** Where to cut at the limit without splitting a UTF-8 sequence (at most 3 bytes back). */
  private int cutPoint() {
    int cut = maxLineBytes;
    for (int back = 0; back < 3 && cut > 0 && (pending[cut] & 0xC0) == 0x80; back++) {
      cut--;
    }
    return (pending[cut] & 0xC0) == 0x80 ? maxLineBytes : cut;
  }

  private String decode(int end) {
    return new String(pending, 0, end, StandardCharsets.UTF_8);
  }

  private void ensureCapacity(int needed) {
    if (needed > pending.length) {
      byte[] grown = new byte[Math.min(Math.max(needed, pending.length * 2), maxLineBytes + 1)];
      System.arraycopy(pending, 0, grown, 0, length);
      pending = grown;
    }
  }
}
