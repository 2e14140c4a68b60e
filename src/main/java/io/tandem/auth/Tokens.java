package io.tandem.auth;

import io.tandem.config.AuthSettings;
import io.tandem.config.BridgeSettings;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Bearer tokens: 256 random bits, URL-safe base64 (they travel in headers and, for browsers, in
 * URLs), kept by Tandem only as their SHA-256 — a leaked tokens file lets nobody in.
 */
public final class Tokens {

  /**
   * Where a browser's SockJS client, which cannot set headers, puts its token: the bridge's URL
   * ({@code /eventbus?access_token=…}, RFC 6750's URI query parameter).
   */
  public static final String QUERY_PARAMETER = "access_token";
  private static final String BEARER = "bearer ";
  private static final SecureRandom RANDOM = new SecureRandom();
  /** A digest per thread: getInstance on every request would cost more than the hashing. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  });
  private static final int TOKEN_BYTES = 32;

  private Tokens() {
  }

  public static String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The token of an {@code Authorization: Bearer <token>} header (the scheme in any case), or null. */
  public static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).strip();
    return token.isEmpty() ? null : token;
  }

  public static byte[] sha256(String token) {
    return SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /**
   * {@code java -jar tandem.jar token [NAME]}: a new token on the first line of stdout, and on the
   * second its principal's line for {@code auth.tokensFile}, with every permission (to be narrowed
   * to what the client needs); what to do with them on stderr. Exit 0, or 2 for a bad name.
   */
  public static int printNew(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 1) {
      err.println("usage: java -jar tandem.jar token [NAME]");
      return 2;
    }
    String name = args.length == 1 ? args[0] : "client";
    if (!Principals.isValidName(name)) {
      err.println("token: the name must be 1..64 of A-Z a-z 0-9 . _ @ - (starting with a letter or digit), got \"" + name + "\"");
      return 2;
    }
    String token = newToken();
    out.println(token);
    out.println(Principals.line(name, sha256Hex(token), AuthSettings.ENDPOINTS, BridgeSettings.DEFAULT_INBOUND,
        BridgeSettings.DEFAULT_OUTBOUND).encode());
    err.println("token: the first line is the token, for the client only (Tandem keeps just its SHA-256, so it is shown"
        + " this once); add the second to the JSON array in auth.tokensFile and narrow its permissions to what "
        + name + " needs");
    return 0;
  }
}
