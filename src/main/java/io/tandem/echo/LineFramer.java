package io.tandem.echo;

import io.tandem.net.LineRate;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Cuts a connection's byte stream into lines (LF or CRLF) for {@code tandem.tcp.messages}. It
 * only reads the bytes, so the echo is never altered. A line longer than the limit is handed on
 * cut (at a UTF-8 character boundary) and marked truncated as soon as it passes the limit; the
 * rest of it, up to the next LF, is skipped. Memory per connection is at most the limit.
 *
 * <p>Lines beyond the connection's {@link LineRate} are not published, and cost almost nothing:
 * once a line is found over the rate, so is every later line of the same read (the allowance only
 * grows with time), so the rest of the read is passed over with one backward search for its last
 * LF — no copy, no decoding, no per-line work — and only its size is counted. The next published line
 * carries that count of skipped bytes. Confined to the connection's event loop.
 */
final class LineFramer {

  /** Receives each published line, decoded as UTF-8 (malformed bytes become U+FFFD). */
  interface LineHandler {
    /** @param skippedBytes input not published (over the rate) since the previous published line */
    void line(String text, boolean truncated, long skippedBytes);
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final int maxLineBytes;
  private final LineRate rate;
  private final LineHandler handler;
  private byte[] pending = new byte[128];
  private int length;
  /** The current line's fate is decided (at its first byte, or its LF if empty). */
  private boolean decided;
  /** The current line is over the rate: not kept, only counted. */
  private boolean dropping;
  /** The current line was already handed on truncated: the rest of it is skipped. */
  private boolean skipping;
  private long skippedBytes;

  LineFramer(int maxLineBytes, LineRate rate, LineHandler handler) {
    this.maxLineBytes = maxLineBytes;
    this.rate = rate;
    this.handler = handler;
  }

  /** Reads the readable bytes of {@code data} without consuming them. */
  void feed(ByteBuf data) {
    int index = data.readerIndex();
    int end = data.writerIndex();
    // a bulk stream holds thousands of lines per read: one clock reading serves them all
    long now = 0;
    boolean clockRead = false;
    while (index < end) {
      if (!decided) {
        if (!clockRead) {
          now = rate.now();
          clockRead = true;
        }
        decided = true;
        dropping = !rate.tryTake(now);
      }
      if (dropping) {
        if (clockRead) {
          skipRest(data, index, end);
          return;
        }
        // a line over the rate since an earlier read: pass it, then decide afresh with this read's clock
        int lf = data.indexOf(index, end, LF);
        int stop = lf < 0 ? end : lf + 1;
        skippedBytes += stop - index;
        if (lf < 0) {
          return;
        }
        decided = false;
        dropping = false;
        index = stop;
        continue;
      }
      int lf = data.indexOf(index, end, LF);
      int stop = lf < 0 ? end : lf;
      if (!skipping) {
        append(data, index, stop - index);
      }
      if (lf < 0) {
        return;
      }
      if (!skipping) {
        endLine();
      }
      decided = false;
      dropping = false;
      skipping = false;
      length = 0;
      index = lf + 1;
    }
  }

  /**
   * Passes over the rest of a read whose current line was found over the rate in this read. Lines
   * that start later in it are over it too (same clock reading), so only the last LF matters:
   * after it a new line begins, still over the rate; a read ending with an LF leaves the next
   * line undecided.
   */
  private void skipRest(ByteBuf data, int from, int end) {
    skippedBytes += end - from;
    int lastLf = data.indexOf(end, from, LF);
    if (lastLf == end - 1) {
      decided = false;
      dropping = false;
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
      publish(decode(cutPoint()), true);
      skipping = true;
      length = 0;
    }
  }

  private void endLine() {
    int end = length > 0 && pending[length - 1] == CR ? length - 1 : length;
    if (end > maxLineBytes) {
      publish(decode(cutPoint()), true);
    } else {
      publish(decode(end), false);
    }
  }

  /** Input skipped over the rate since the last line handed on. */
  long skippedBytes() {
    return skippedBytes;
  }

  private void publish(String text, boolean truncated) {
    handler.line(text, truncated, skippedBytes);
    skippedBytes = 0;
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
