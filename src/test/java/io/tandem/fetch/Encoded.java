package io.tandem.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Encoded bodies the test origin serves at {@code /encoded/<name>}, made once with the JDK's own encoders. */
record Encoded(String encoding, String contentType, byte[] bytes) {

  static final String JSON = "{\"compressed\":true,\"items\":[" + "1,".repeat(2000) + "1]}";
  /** 64 MiB of zeros, about 64 KiB gzipped: a bomb to a client that inflates it whole. */
  static final long BOMB_BYTES = 64L * 1024 * 1024;

  static final Map<String, Encoded> BODIES = Map.of(
      "gzip-json", new Encoded("gzip", "application/json", gzip(JSON.getBytes(StandardCharsets.UTF_8))),
      "deflate", new Encoded("deflate", "text/plain", deflate(JSON.getBytes(StandardCharsets.UTF_8), false)),
      "raw-deflate", new Encoded("deflate", "text/plain", deflate(JSON.getBytes(StandardCharsets.UTF_8), true)),
      "bomb", new Encoded("gzip", "application/octet-stream", gzipZeros(BOMB_BYTES)),
      "broken", new Encoded("gzip", "text/plain", brokenGzip()),
      "cut", new Encoded("gzip", "application/json", cut(gzip(JSON.getBytes(StandardCharsets.UTF_8)))),
      "br", new Encoded("br", "text/plain", "not really brotli".getBytes(StandardCharsets.US_ASCII)));

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] plain, boolean raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      deflate.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gzipZeros(long count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[1024 * 1024];
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      for (long written = 0; written < count; written += zeros.length) {
        gzip.write(zeros);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A gzip header, then bytes that are no deflate stream. */
  private static byte[] brokenGzip() {
    byte[] header = Arrays.copyOf(gzip(new byte[0]), 10);
    byte[] broken = Arrays.copyOf(header, 40);
    Arrays.fill(broken, 10, 40, (byte) 0xFF);
    return broken;
  }

  /** The first half of a gzip body: a stream that ends before its end. */
  private static byte[] cut(byte[] whole) {
    return Arrays.copyOf(whole, whole.length / 2);
  }
}
