package io.tandem.fetch;

import io.vertx.core.buffer.Buffer;
import io.tandem.net.VertxInternals;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Takes a response body chunk by chunk: counts it, hashes and keeps it if asked, and stops at
 * the cap. Memory is at most the cap, whatever the origin sends.
 */
final class BodySink {

  private final long maxBytes;
  private final MessageDigest sha256;
  private final Buffer kept;
  private long bytes;
  private boolean truncated;

  /**
   * @param keep whether to keep the bytes (for the result's body, or to read a chain link)
   * @param hash whether to compute the body's SHA-256
   */
  BodySink(long maxBytes, boolean keep, boolean hash) {
    this.maxBytes = maxBytes;
    this.kept = keep ? Buffer.buffer() : null;
    try {
      this.sha256 = hash ? MessageDigest.getInstance("SHA-256") : null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Takes what fits under the cap and returns it (all of {@code chunk}, a prefix, or nothing). */
  Buffer take(Buffer chunk) {
    long room = maxBytes - bytes;
    Buffer part = chunk;
    if (chunk.length() > room) {
      truncated = true;
      part = chunk.slice(0, (int) room);
    }
    if (sha256 != null) {
      // hash straight from the buffer's memory, without copying it out
      sha256.update(VertxInternals.byteBuf(part).nioBuffer());
    }
    if (kept != null) {
      kept.appendBuffer(part);
    }
    bytes += part.length();
    return part;
  }

  /** True once bytes beyond the cap arrived: the transfer should be cut. */
  boolean truncated() {
    return truncated;
  }

  long bytes() {
    return bytes;
  }

  /** How many more bytes fit under the cap. */
  long room() {
    return maxBytes - bytes;
  }

  /** The hex SHA-256 of the bytes taken, or null when not hashing. */
  String sha256() {
    return sha256 == null ? null : HexFormat.of().formatHex(sha256.digest());
  }

  /** The bytes kept, or null when not keeping. */
  Buffer kept() {
    return kept;
  }
}
