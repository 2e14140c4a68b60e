package io.tandem.net;

/**
 * What RFC 9110 lets into a header: a name is a token (§5.6.2), a value is visible characters,
 * spaces and tabs, and bytes above 0x7F (§5.5), never CR, LF or another control character, so
 * that a value given by a client can never end its header and start another.
 */
public final class HttpSyntax {

  private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

  private HttpSyntax() {
  }

  public static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean alphanumeric = c < 0x80 && Character.isLetterOrDigit(c);
      if (!alphanumeric && TOKEN_SYMBOLS.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** A header value: no control characters but tab, nothing above one byte (Latin-1 is what goes on the wire). */
  public static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0xFF || c == 0x7F || c < 0x20 && c != '\t') {
        return false;
      }
    }
    return true;
  }
}
