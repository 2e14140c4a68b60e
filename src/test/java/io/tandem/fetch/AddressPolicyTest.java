package io.tandem.fetch;

import io.tandem.config.HostPattern;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressPolicyTest {

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static List<HostPattern> patterns(String... entries) {
    return java.util.Arrays.stream(entries).map(HostPattern::parse).toList();
  }

  @Test
  void namesEveryNonPublicRange() throws Exception {
    assertEquals("loopback", AddressPolicy.specialRange(ip("127.0.0.1")));
    assertEquals("loopback", AddressPolicy.specialRange(ip("127.255.0.9")));
    assertEquals("loopback", AddressPolicy.specialRange(ip("::1")));
    assertEquals("private", AddressPolicy.specialRange(ip("10.20.30.40")));
    assertEquals("private", AddressPolicy.specialRange(ip("172.16.0.1")));
    assertEquals("private", AddressPolicy.specialRange(ip("172.31.255.255")));
    assertEquals("private", AddressPolicy.specialRange(ip("192.168.1.1")));
    assertEquals("private", AddressPolicy.specialRange(ip("fd12::1")));
    assertEquals("link-local", AddressPolicy.specialRange(ip("169.254.169.254")));
    assertEquals("link-local", AddressPolicy.specialRange(ip("fe80::1")));
    assertEquals("shared (CGNAT)", AddressPolicy.specialRange(ip("100.64.0.1")));
    assertEquals("multicast", AddressPolicy.specialRange(ip("224.0.0.1")));
    assertEquals("multicast", AddressPolicy.specialRange(ip("ff02::1")));
    assertEquals("broadcast", AddressPolicy.specialRange(ip("255.255.255.255")));
    assertEquals("unspecified", AddressPolicy.specialRange(ip("0.0.0.0")));
    assertEquals("unspecified", AddressPolicy.specialRange(ip("::")));
    assertEquals("reserved", AddressPolicy.specialRange(ip("240.1.2.3")));
  }

  @Test
  void publicAddressesPass() throws Exception {
    for (String literal : List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "11.0.0.1")) {
      assertNull(AddressPolicy.specialRange(ip(literal)), literal);
    }
  }

  @Test
  void ipv6FormsThatEmbedAPrivateIpv4AreJudgedByIt() throws Exception {
    assertTrue(AddressPolicy.specialRange(ip("::ffff:127.0.0.1")).startsWith("loopback"));
    assertTrue(AddressPolicy.specialRange(ip("::127.0.0.1")).startsWith("loopback"));
    assertTrue(AddressPolicy.specialRange(ip("64:ff9b::10.0.0.1")).startsWith("private"));
    assertTrue(AddressPolicy.specialRange(ip("2002:a9fe:a9fe::1")).startsWith("link-local"), "6to4 of 169.254.169.254");
    assertNull(AddressPolicy.specialRange(ip("64:ff9b::8.8.8.8")));
  }

  @Test
  void addressRulesAlsoMatchTheIpv4InsideAnIpv6Address() throws Exception {
    AddressPolicy open = new AddressPolicy(true, List.of(), patterns("169.254.0.0/16", "10.1.2.3"));
    assertNotNull(open.check("metadata", ip("64:ff9b::a9fe:a9fe")), "NAT64 form of 169.254.169.254");
    assertNotNull(open.check("x", ip("2002:a01:203::1")), "6to4 form of 10.1.2.3");
    assertNull(open.check("x", ip("64:ff9b::808:808")));
  }

  @Test
  void theHostOfAUrlIsLowerCaseWithoutBracketsOrATrailingDot() throws Exception {
    assertEquals("localhost", Urls.host(Urls.parse("http://LocalHost.:8080/")));
    assertEquals("::1", Urls.host(Urls.parse("http://[::1]:8080/")));
  }

  @Test
  void relativeLinksResolveByRfc3986() throws Exception {
    java.net.URI base = Urls.parse("http://h/api/items?page=1#top");
    assertEquals("http://h/api/items?page=2", Urls.resolve(base, "?page=2").toString());
    assertEquals("http://h/api/items?page=1", Urls.resolve(base, "").toString());
    assertEquals("http://h/api/other", Urls.resolve(base, "other").toString());
    assertEquals("http://h/root", Urls.resolve(base, "/root").toString());
    assertEquals("https://x/y", Urls.resolve(base, "https://x/y").toString());
    assertEquals("http://h/", Urls.resolve(base, "../").toString());
  }

  @Test
  void denyWinsOverAllowAndAllowOpensTheRangeCheck() throws Exception {
    AddressPolicy policy = new AddressPolicy(false, patterns("localhost", "10.0.0.0/8", "*.corp.example"), patterns("10.9.0.0/16"));
    assertNull(policy.check("localhost", ip("127.0.0.1")));
    assertNull(policy.check("anything", ip("10.1.2.3")));
    assertNull(policy.check("wiki.corp.example", ip("192.168.0.5")));
    assertNotNull(policy.check("db", ip("10.9.1.1")));
    assertNotNull(policy.check("evil.example", ip("127.0.0.1")), "a name that resolves to loopback is not 'localhost'");
    assertTrue(policy.check("evil.example", ip("127.0.0.1")).contains("127.0.0.1, a loopback address"));
    AddressPolicy open = new AddressPolicy(true, List.of(), patterns("*.internal"));
    assertNull(open.check("x", ip("192.168.0.1")));
    assertNotNull(open.checkName("db.internal"));
    assertNull(open.checkName("db.internal.example"));
  }
}
