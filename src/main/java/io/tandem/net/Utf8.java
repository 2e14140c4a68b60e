package io.tandem.net;

import io.netty.buffer.ByteBufUtil;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding for bytes a client sent. Jackson's byte parser accepts overlong forms
 * ({@code C0 AF} becomes {@code /}, which slips past a check on the text) and encoded surrogates
 * ({@code ED A0 80}); {@link String#String(byte[], java.nio.charset.Charset)} replaces bad bytes
 * with U+FFFD. Decode with this first and hand the parser the text.
 */
public final class Utf8 {

  private Utf8() {
  }

  /** The text, or a {@link CharacterCodingException} naming where the bytes stop being UTF-8. */
  public static String decode(byte[] bytes) throws CharacterCodingException {
    // a decoder holds state: a new one per call (cheap next to any body worth decoding)
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  public static String decode(Buffer bytes) throws CharacterCodingException {
    return decode(bytes.getBytes());
  }

  /** Whether the bytes are UTF-8, checked where they are (no copy, no decoding): for bytes parsed as they are. */
  public static boolean isValid(Buffer bytes) {
    return ByteBufUtil.isText(VertxInternals.byteBuf(bytes), StandardCharsets.UTF_8);
  }

  public static boolean isValid(byte[] bytes) {
    try {
      decode(bytes);
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
