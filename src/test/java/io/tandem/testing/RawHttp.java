package io.tandem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Reads HTTP/1.1 responses off a raw socket, for what the JDK client cannot do (pipelining, half-close). */
public final class RawHttp {

  public record Response(int status, Map<String, String> headers, String body) {
  }

  private RawHttp() {
  }

  public static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Reads one response with a Content-Length body. */
  public static Response read(InputStream in) throws IOException {
    String statusLine = Sockets.readLine(in).strip();
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new HashMap<>();
    for (String line; !(line = Sockets.readLine(in).strip()).isEmpty(); ) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    return new Response(status, headers, new String(Sockets.readExactly(in, length), StandardCharsets.UTF_8));
  }
}
