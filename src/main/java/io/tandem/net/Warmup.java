package io.tandem.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import javax.net.ssl.SSLContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One-time JVM costs that would otherwise land on an event loop with the first request, each a
 * few hundred milliseconds on a busy machine: Netty's first pooled chunk registers its Flight
 * Recorder event classes (initialising the JVM's JFR metadata), the first SHA-256 loads the
 * security providers, the first TLS context reads and parses the JDK's trust store. Blocking:
 * run it on a worker or before Vert.x starts. Each step is cached by the JVM for good.
 */
public final class Warmup {

  private Warmup() {
  }

  /** @return true, once everything is loaded */
  public static boolean run() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(1024);
    buffer.release();
    try {
      MessageDigest.getInstance("SHA-256");
      SSLContext.getInstance("TLS").init(null, null, null);
    } catch (NoSuchAlgorithmException | java.security.KeyManagementException e) {
      throw new IllegalStateException("the JVM lacks SHA-256 or TLS: " + e.getMessage(), e);
    }
    return true;
  }
}
