package io.tandem.chat;

import io.tandem.net.Utf8;
import io.netty.buffer.ByteBuf;

import java.nio.charset.CharacterCodingException;

/**
 * Cuts what a chat client sends into lines (LF or CRLF) and judges each: a line over
 * {@code chat.maxLineBytes} is not kept (the rest of it, up to its LF, is passed over) and a line
 * that is not UTF-8 is refused whole, so no line is ever half-understood. Empty lines are nothing;
 * each other line is first {@linkplain Lines#admit admitted} (the rate), before it is copied or decoded.
 * Holds at most one line's bytes. Confined to the connection's event loop.
 */
final class ChatInput {

  /** What becomes of each line. */
  interface Lines {
    /** Asked at each line's end, before anything else is done with it: false passes it over. */
    boolean admit();

    void line(String text);

    void tooLong();

    void notUtf8();
  }

  private static final byte LF = '\n';
  private static final byte CR = '\r';

  private final int maxLineBytes;
  private final Lines lines;
  private byte[] pending = new byte[128];
  private int length;
  /** The current line passed the limit: it is answered at its LF, its bytes not kept. */
  private boolean overLong;

  ChatInput(int maxLineBytes, Lines lines) {
    this.maxLineBytes = maxLineBytes;
    this.lines = lines;
  }

  /** Reads the readable bytes of {@code data}; the caller still owns it. */
  void feed(ByteBuf data) {
    int index = data.readerIndex();
    int end = data.writerIndex();
    while (index < end) {
      int lf = data.indexOf(index, end, LF);
      int stop = lf < 0 ? end : lf;
      if (!overLong) {
        append(data, index, stop);
      }
      if (lf < 0) {
        return;
      }
      endLine();
      index = lf + 1;
    }
  }

  private void append(ByteBuf data, int from, int to) {
    int count = to - from;
    // one byte of slack: a line of exactly maxLineBytes may still be followed by CR LF
    if (length + count > maxLineBytes + 1) {
      overLong = true;
      length = 0;
      return;
    }
    if (length + count > pending.length) {
      byte[] grown = new byte[Math.min(Math.max(length + count, pending.length * 2), maxLineBytes + 1)];
      System.arraycopy(pending, 0, grown, 0, length);
      pending = grown;
    }
    data.getBytes(from, pending, length, count);
    length += count;
  }

  private void endLine() {
    int end = length > 0 && pending[length - 1] == CR ? length - 1 : length;
    length = 0;
    if (!overLong && end == 0) {
      return;
    }
    // a flood of lines costs a rate check each, not a copy and a decoding
    if (!lines.admit()) {
      overLong = false;
      return;
    }
    if (overLong || end > maxLineBytes) {
      overLong = false;
      lines.tooLong();
      return;
    }
    byte[] bytes = new byte[end];
    System.arraycopy(pending, 0, bytes, 0, end);
    String text;
    try {
      text = Utf8.decode(bytes);
    } catch (CharacterCodingException e) {
      lines.notUtf8();
      return;
    }
    lines.line(text);
  }
}
