package io.tandem.config;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * The {@code tls} section: the certificate every listener that turns TLS on presents
 * ({@code tcp.tls}, {@code bridge.tls}). PEM files: the certificate, then any chain after it; the
 * key unencrypted, PKCS#8 ({@code BEGIN PRIVATE KEY}). The launcher checks them before anything
 * listens ({@code net/TlsFiles}).
 *
 * @param minVersion   the oldest protocol a client may speak: {@code TLSv1.2} or {@code TLSv1.3}
 * @param clientCaFile PEM certificates of the authorities whose client certificates a TLS listener
 *                     requires (mutual TLS), null for none
 * @param reloadSeconds how often the files are looked at for a new certificate, 0 = never
 */
public record TlsSettings(String certFile, String keyFile, String minVersion, String clientCaFile, int reloadSeconds) {

  public static final String SECTION = "tls";
  public static final String TLS_1_2 = "TLSv1.2";
  public static final String TLS_1_3 = "TLSv1.3";
  public static final String DEFAULT_MIN_VERSION = TLS_1_2;
  public static final int DEFAULT_RELOAD_SECONDS = 60;

  static TlsSettings read(SectionReader reader) {
    TlsSettings settings = new TlsSettings(reader.text("certFile", null), reader.text("keyFile", null),
        reader.text("minVersion", DEFAULT_MIN_VERSION), reader.text("clientCaFile", null),
        reader.integer("reloadSeconds", DEFAULT_RELOAD_SECONDS, 0, 86_400));
    reader.check(settings.minVersion.equals(TLS_1_2) || settings.minVersion.equals(TLS_1_3), "minVersion",
        "must be TLSv1.2 or TLSv1.3", settings.minVersion);
    reader.check((settings.certFile == null) == (settings.keyFile == null), settings.certFile == null ? "certFile" : "keyFile",
        "must be set with " + (settings.certFile == null ? "tls.keyFile" : "tls.certFile"), null);
    reader.finish();
    return settings;
  }

  /** The protocols a TLS listener accepts: {@link #minVersion} and newer. */
  public Set<String> protocols() {
    return minVersion.equals(TLS_1_3) ? Set.of(TLS_1_3) : Set.of(TLS_1_2, TLS_1_3);
  }

  /** Whether a certificate and key are configured. */
  public boolean configured() {
    return certFile != null;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (certFile != null) {
      json.put("certFile", certFile).put("keyFile", keyFile);
    }
    if (clientCaFile != null) {
      json.put("clientCaFile", clientCaFile);
    }
    return json.put("minVersion", minVersion).put("reloadSeconds", reloadSeconds);
  }
}
