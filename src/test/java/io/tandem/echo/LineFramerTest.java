package io.tandem.echo;

import io.tandem.net.LineRate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineFramerTest {

  private record Line(String text, boolean truncated) {
  }

  private final List<Line> lines = new ArrayList<>();
  private final List<Long> skippedBytes = new ArrayList<>();
  /** The rate's clock, in nanoseconds; moved by hand. */
  private long now;

  private LineFramer framer(int max) {
    return framer(max, 1_000_000_000);
  }

  private LineFramer framer(int max, int linesPerSecond) {
    return new LineFramer(max, new LineRate(linesPerSecond, () -> now, null), (text, truncated, skipped) -> {
      lines.add(new Line(text, truncated));
      skippedBytes.add(skipped);
    });
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void splitsOnLfAndCrLfWithoutConsumingTheBuffer() {
    ByteBuf data = bytes("one\ntwo\r\n\nthree");
    framer(100).feed(data);
    assertEquals(List.of(new Line("one", false), new Line("two", false), new Line("", false)), lines);
    assertEquals(0, data.readerIndex());
  }

  @Test
  void joinsALineSplitAcrossReadsEvenInsideAUtf8Character() {
    byte[] text = "héllo wörld\n".getBytes(StandardCharsets.UTF_8);
    LineFramer framer = framer(100);
    for (byte b : text) {
      framer.feed(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertEquals(List.of(new Line("héllo wörld", false)), lines);
  }

  @Test
  void keepsALineOfExactlyTheLimitFollowedByCrLf() {
    framer(5).feed(bytes("12345\r\n12345\n"));
    assertEquals(List.of(new Line("12345", false), new Line("12345", false)), lines);
  }

  @Test
  void cutsALongLineAtTheLimitAssoonAsItIsPassedAndSkipsTheRest() {
    LineFramer framer = framer(4);
    framer.feed(bytes("abcdefgh"));
    assertEquals(List.of(new Line("abcd", true)), lines);
    framer.feed(bytes("ijk\nnext\n"));
    assertEquals(List.of(new Line("abcd", true), new Line("next", false)), lines);
  }

  @Test
  void aLineOneByteOverTheLimitIsCutWhenItEnds() {
    framer(4).feed(bytes("abcde\n"));
    assertEquals(List.of(new Line("abcd", true)), lines);
  }

  @Test
  void neverCutsInsideAUtf8Character() {
    // "aé€" is 1 + 2 + 3 bytes; a limit of 5 falls inside the euro sign
    framer(5).feed(bytes("aé€xyz\n"));
    assertEquals(List.of(new Line("aé", true)), lines);
  }

  @Test
  void decodesMalformedUtf8AsReplacementCharacters() {
    framer(100).feed(Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xC3, 0, (byte) 0xFF, '\n'}));
    assertEquals(List.of(new Line("a\uFFFD\u0000\uFFFD", false)), lines);
  }

  @Test
  void publishesAtMostTheRateAndCountsTheBytesItSkipped() {
    LineFramer framer = framer(100, 2);
    framer.feed(bytes("a\nb\nc\nd\n\ne"));
    // a second's worth (2) at once, then nothing until the allowance grows back
    assertEquals(List.of(new Line("a", false), new Line("b", false)), lines);
    now += 500_000_000L;
    framer.feed(bytes("f\ng\n"));
    // "ef" began while over the rate, so it stays skipped; "g" began after half a second's token came back
    assertEquals(List.of(new Line("a", false), new Line("b", false), new Line("g", false)), lines);
    now += 1_000_000_000L;
    framer.feed(bytes("h\n"));
    assertEquals(new Line("h", false), lines.get(3));
    // "c\nd\n\ne" and "f\n" were skipped before "g"
    assertEquals(List.of(0L, 0L, 8L, 0L), skippedBytes);
  }

  @Test
  void aSkippedLineIsNotCopiedEvenWhenLongerThanTheLimit() {
    LineFramer framer = framer(4, 1);
    framer.feed(bytes("ok\n"));
    String over = "a line far longer than the limit, over the rate\n";
    framer.feed(bytes(over));
    now += 1_000_000_000L;
    framer.feed(bytes("next\n"));
    assertEquals(List.of(new Line("ok", false), new Line("next", false)), lines);
    assertEquals(List.of(0L, (long) over.length()), skippedBytes);
  }

  @Test
  void aSharedAllowanceBoundsManyConnectionsTogether() {
    LineRate instance = new LineRate(3, () -> now, null);
    List<String> published = new ArrayList<>();
    LineFramer one = new LineFramer(100, new LineRate(1000, () -> now, instance), (t, cut, skipped) -> published.add(t));
    LineFramer two = new LineFramer(100, new LineRate(1000, () -> now, instance), (t, cut, skipped) -> published.add(t));
    one.feed(bytes("1a\n1b\n"));
    two.feed(bytes("2a\n2b\n"));
    assertEquals(List.of("1a", "1b", "2a"), published);
  }
}
