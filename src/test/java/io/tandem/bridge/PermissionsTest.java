package io.tandem.bridge;

import io.vertx.ext.bridge.PermittedOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SockJS bridge's frames are decided by Vert.x Web from {@link Permissions#asPermittedOptions()}
 * and named by Tandem's hook from {@link Permissions#allows}: the two readings of one list must
 * never disagree, or a frame would be refused with no reason given, or explained and let through.
 */
class PermissionsTest {

  private static final List<String> ENTRIES = List.of("tandem.fetch", "tandem.tcp.send", "tandem.fetch.progress.*", "a+b.*");
  private static final List<String> ADDRESSES = List.of(
      "tandem.fetch", "tandem.fetch.", "tandem.fetchX", "tandem.fetch.progress", "tandem.fetch.progress.",
      "tandem.fetch.progress.abc", "tandem.fetch.progress.a.b", "tandem.fetchXprogress.abc", "tandem.tcp.send",
      "tandem.tcp.sendX", "Tandem.fetch", "a+b.x", "aab.x", "a+b.", "", "tandem.fetch.progress.*");

  @Test
  void exactEntriesAndPrefixesMeanWhatTheReadmeSays() {
    Permissions permissions = new Permissions(ENTRIES);
    assertTrue(permissions.allows("tandem.fetch"));
    assertFalse(permissions.allows("tandem.fetch.x"), "an exact entry is no prefix");
    assertTrue(permissions.allows("tandem.fetch.progress.1f2e"));
    assertFalse(permissions.allows("tandem.fetch.progress."), "a prefix needs something after its dot");
    assertFalse(permissions.allows("tandem.fetch.progress"));
    assertTrue(permissions.allows("a+b.x"));
    assertFalse(permissions.allows("aab.x"), "an entry's characters are literal, not a pattern");
  }

  @Test
  void vertxWebsReadingOfTheListIsTandems() {
    Permissions permissions = new Permissions(ENTRIES);
    List<PermittedOptions> options = permissions.asPermittedOptions();
    assertEquals(ENTRIES.size(), options.size());
    for (String address : ADDRESSES) {
      assertEquals(permissions.allows(address), matchedAsVertxWebDoes(options, address), address);
    }
  }

  /** Vert.x Web's rule (EventBusBridgeImpl.checkMatches): an equal address, or a whole-address regex match. */
  private static boolean matchedAsVertxWebDoes(List<PermittedOptions> options, String address) {
    for (PermittedOptions option : options) {
      if (option.getAddress() != null ? option.getAddress().equals(address)
          : Pattern.compile(option.getAddressRegex()).matcher(address).matches()) {
        return true;
      }
    }
    return false;
  }
}
