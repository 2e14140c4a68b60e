package io.tandem.fetch;

import javax.net.ssl.SSLContext;
import java.security.GeneralSecurityException;

/** TLS set-up that is slow once per process. */
final class Tls {

  private Tls() {
  }

  /**
   * Initialises a TLS context with the JDK's default trust managers, which reads the trust store
   * from disk and parses it; the JDK keeps the result for every later context. Blocking: call it
   * from a worker. True when done.
   */
  static boolean loadTrustStore() {
    try {
      SSLContext.getInstance("TLS").init(null, null, null);
      return true;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is unavailable: " + e.getMessage(), e);
    }
  }
}
