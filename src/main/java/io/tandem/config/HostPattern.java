package io.tandem.config;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.Locale;

/**
 * One entry of {@code fetcher.allowHosts} / {@code fetcher.denyHosts}: a host name
 * ({@code example.com}), every subdomain of one ({@code *.example.com}), an IP address
 * ({@code 10.1.2.3}, {@code ::1}) or a CIDR block ({@code 10.0.0.0/8}, {@code fc00::/7}).
 * Names match the URL's host; addresses and blocks match the address it resolves to.
 */
public final class HostPattern {

  private final String text;
  private final String name;
  private final String suffix;
  private final byte[] network;
  private final int prefixBits;

  private HostPattern(String text, String name, String suffix, byte[] network, int prefixBits) {
    this.text = text;
    this.name = name;
    this.suffix = suffix;
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /** @throws IllegalArgumentException saying what is wrong with {@code text} */
  public static HostPattern parse(String text) {
    String entry = text.strip().toLowerCase(Locale.ROOT);
    int slash = entry.indexOf('/');
    if (slash >= 0) {
      byte[] network = address(entry.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("\"" + text + "\" is not a CIDR block: no IP address before the /");
      }
      int bits;
      try {
        bits = Integer.parseInt(entry.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (bits < 0 || bits > network.length * 8) {
        throw new IllegalArgumentException("\"" + text + "\" is not a CIDR block: the prefix must be 0.." + network.length * 8);
      }
      return new HostPattern(text, null, null, network, bits);
    }
    byte[] address = address(entry);
    if (address != null) {
      return new HostPattern(text, null, null, address, address.length * 8);
    }
    if (entry.startsWith("*.") && entry.length() > 2) {
      return new HostPattern(text, null, entry.substring(1), null, 0);
    }
    if (entry.isEmpty() || entry.contains("*") || entry.contains(" ")) {
      throw new IllegalArgumentException("\"" + text + "\" is not a host name, *.domain, IP address or CIDR block");
    }
    return new HostPattern(text, entry, null, null, 0);
  }

  /**
   * @param host    the URL's host, lower case, IPv6 without brackets
   * @param address what it resolved to (or its literal address)
   */
  public boolean matches(String host, InetAddress address) {
    if (name != null) {
      return name.equals(host);
    }
    if (suffix != null) {
      return host.endsWith(suffix);
    }
    return address != null && inBlock(address.getAddress());
  }

  /** Whether it can match before the host is resolved (a name or *.domain). */
  public boolean isName() {
    return network == null;
  }

  private boolean inBlock(byte[] candidate) {
    if (candidate.length != network.length) {
      return false;
    }
    int fullBytes = prefixBits / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
  }

  /** The bytes of an IP literal (brackets allowed), or null: never a DNS lookup. */
  private static byte[] address(String literal) {
    String bare = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
    return NetUtil.createByteArrayFromIpAddressString(bare);
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HostPattern pattern && pattern.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
