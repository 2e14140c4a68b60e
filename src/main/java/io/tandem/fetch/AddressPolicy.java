package io.tandem.fetch;

import io.tandem.config.FetcherSettings;
import io.tandem.config.HostPattern;

import java.net.InetAddress;
import java.util.List;

/**
 * Which hosts the fetcher may connect to. It takes URLs from the network, so server-side request
 * forgery is the risk: by default every address that is not plainly on the public internet is
 * refused — loopback, private, link-local (cloud metadata lives at 169.254.169.254), shared
 * (CGNAT), multicast, broadcast, unspecified and reserved — and IPv6 forms that embed such an IPv4
 * address. The check is made on the address a host resolved to, for every hop, and the fetcher
 * connects to exactly that address, so a second DNS answer cannot swap it.
 *
 * <p>{@code denyHosts} always wins; {@code allowHosts} lets a host through the range check;
 * {@code allowPrivateNetworks} turns the range check off.
 */
final class AddressPolicy {

  private static final Range[] SPECIAL = {
      new Range("0.0.0.0/8", "unspecified"),
      new Range("10.0.0.0/8", "private"),
      new Range("100.64.0.0/10", "shared (CGNAT)"),
      new Range("127.0.0.0/8", "loopback"),
      new Range("169.254.0.0/16", "link-local"),
      new Range("172.16.0.0/12", "private"),
      new Range("192.0.0.0/24", "reserved"),
      new Range("192.168.0.0/16", "private"),
      new Range("198.18.0.0/15", "reserved"),
      new Range("224.0.0.0/4", "multicast"),
      new Range("255.255.255.255/32", "broadcast"),
      new Range("240.0.0.0/4", "reserved"),
      new Range("::/128", "unspecified"),
      new Range("::1/128", "loopback"),
      new Range("fc00::/7", "private"),
      new Range("fe80::/10", "link-local"),
      new Range("ff00::/8", "multicast"),
  };

  private record Range(HostPattern block, String label) {
    Range(String cidr, String label) {
      this(HostPattern.parse(cidr), label);
    }
  }

  private final boolean allowPrivateNetworks;
  private final List<HostPattern> allow;
  private final List<HostPattern> deny;

  AddressPolicy(FetcherSettings settings) {
    this(settings.allowPrivateNetworks(), settings.allowHosts(), settings.denyHosts());
  }

  AddressPolicy(boolean allowPrivateNetworks, List<HostPattern> allow, List<HostPattern> deny) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.allow = allow;
    this.deny = deny;
  }

  /** Before resolving: null, or why the host name itself is refused (so it is not even looked up). */
  String checkName(String host) {
    for (HostPattern pattern : deny) {
      if (pattern.isName() && pattern.matches(host, null)) {
        return host + " is on fetcher.denyHosts (" + pattern + ")";
      }
    }
    return null;
  }

  /** Null when {@code host}, resolved to {@code address}, may be fetched; else why not. */
  String check(String host, InetAddress address) {
    InetAddress embedded = embeddedIpv4(address.getAddress());
    for (HostPattern pattern : deny) {
      if (pattern.matches(host, address) || embedded != null && pattern.matches(host, embedded)) {
        return host + " is on fetcher.denyHosts (" + pattern + ")";
      }
    }
    if (allowPrivateNetworks) {
      return null;
    }
    for (HostPattern pattern : allow) {
      if (pattern.matches(host, address) || embedded != null && pattern.matches(host, embedded)) {
        return null;
      }
    }
    String range = specialRange(address);
    if (range == null) {
      return null;
    }
    return host + " resolves to " + address.getHostAddress() + ", a " + range
        + " address; only public addresses are fetched (see fetcher.allowPrivateNetworks and fetcher.allowHosts)";
  }

  /** The kind of non-public range {@code address} is in, or null for a public address. */
  static String specialRange(InetAddress address) {
    byte[] bytes = address.getAddress();
    InetAddress embedded = embeddedIpv4(bytes);
    if (embedded != null) {
      String range = specialRange(embedded);
      return range == null ? null : range + " (IPv4 " + embedded.getHostAddress() + " inside IPv6)";
    }
    for (Range range : SPECIAL) {
      if (range.block.matches("", address)) {
        return range.label;
      }
    }
    return null;
  }

  /**
   * The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), NAT64
   * (64:ff9b::/96) or 6to4 (2002::/16) IPv6 address, or null.
   */
  private static InetAddress embeddedIpv4(byte[] bytes) {
    if (bytes.length != 16) {
      return null;
    }
    int from;
    if (bytes[0] == 0x20 && bytes[1] == 0x02) {
      from = 2;
    } else if (bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b && zero(bytes, 4, 12)) {
      from = 12;
    } else if (zero(bytes, 0, 10) && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff) {
      from = 12;
    } else if (zero(bytes, 0, 12) && !(zero(bytes, 12, 15) && (bytes[15] == 0 || bytes[15] == 1))) {
      from = 12;
    } else {
      return null;
    }
    try {
      return InetAddress.getByAddress(new byte[] {bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3]});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean zero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
