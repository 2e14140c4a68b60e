package io.tandem.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChatInputTest {

  private final List<String> got = new ArrayList<>();
  private int admissions = Integer.MAX_VALUE;
  private final ChatInput input = new ChatInput(8, new ChatInput.Lines() {
    @Override
    public boolean admit() {
      return admissions-- > 0;
    }

    @Override
    public void line(String text) {
      got.add(text);
    }

    @Override
    public void tooLong() {
      got.add("<too long>");
    }

    @Override
    public void notUtf8() {
      got.add("<not utf8>");
    }
  });

  private void feed(byte[] bytes) {
    ByteBuf data = Unpooled.wrappedBuffer(bytes);
    input.feed(data);
    assertEquals(0, data.readerIndex(), "the caller's buffer is read where it is, not consumed");
  }

  private void feed(String text) {
    feed(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void linesEndAtLfOrCrLfWhereverTheReadsAreCutAndEmptyLinesAreNothing() {
    feed("one\r\ntw");
    feed("o\n\n\r\nthr");
    feed("ee\r");
    feed("\n");
    assertEquals(List.of("one", "two", "three"), got);
  }

  @Test
  void aLineOfExactlyTheLimitPassesEvenWithCrLfAndALongerOneIsRefusedWholeThenTheNextIsRead() {
    feed("12345678\r\n123456789\nok\n");
    feed("12345");
    feed("6789012345678\nafter\n");
    assertEquals(List.of("12345678", "<too long>", "ok", "<too long>", "after"), got);
  }

  @Test
  void aCharacterCutBetweenReadsIsWholeAndBrokenUtf8IsRefused() {
    byte[] e = "é\n".getBytes(StandardCharsets.UTF_8);
    feed(new byte[] {e[0]});
    feed(new byte[] {e[1], e[2]});
    feed(new byte[] {(byte) 0xC0, (byte) 0xAF, '\n'}); // an overlong '/'
    feed(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'}); // an encoded surrogate
    feed("fine\n");
    assertEquals(List.of("é", "<not utf8>", "<not utf8>", "fine"), got);
  }

  @Test
  void aLineNotAdmittedIsPassedOverWhateverItHolds() {
    admissions = 1;
    feed("first\n123456789\n\nthird\n");
    admissions = 1;
    feed("fourth\n");
    assertEquals(List.of("first", "fourth"), got);
  }
}
