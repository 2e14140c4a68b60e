package io.tandem.net;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8Test {

  @Test
  void wellFormedTextDecodes() throws Exception {
    assertEquals("héllo 🚲", Utf8.decode("héllo 🚲".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void overlongFormsEncodedSurrogatesAndStrayBytesAreRefused() {
    byte[][] bad = {
        {(byte) 0xc0, (byte) 0xaf},              // overlong '/'
        {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong '/' in three bytes
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a lone high surrogate
        {(byte) 0x80},                           // a continuation byte alone
        {(byte) 0xe2, (byte) 0x82},              // cut short
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
    };
    for (byte[] bytes : bad) {
      assertThrows(CharacterCodingException.class, () -> Utf8.decode(bytes));
      assertFalse(Utf8.isValid(bytes));
      // the check in place, as the TCP bridge makes it, inside a frame of otherwise good text
      Buffer framed = Buffer.buffer("{\"a\":\"é").appendBytes(bytes).appendString("\"}");
      assertFalse(Utf8.isValid(framed), () -> java.util.HexFormat.of().formatHex(bytes));
    }
    assertTrue(Utf8.isValid(new byte[0]));
    assertTrue(Utf8.isValid(Buffer.buffer("{\"text\":\"héllo 🚲\"}")));
    assertTrue(Utf8.isValid(Buffer.buffer()));
  }
}
