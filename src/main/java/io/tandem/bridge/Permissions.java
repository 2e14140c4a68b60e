package io.tandem.bridge;

import io.vertx.ext.bridge.PermittedOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One direction of the bridges' permission list: exact addresses, and prefixes written as
 * {@code prefix.*} (which match any address that starts with {@code prefix.} and goes on).
 *
 * <p>The one owner of what an entry means, for both bridges: the TCP bridge asks {@link #allows};
 * the SockJS bridge's hook asks it too, to name what it refuses, and Vert.x Web, which decides and
 * answers the stock client itself, gets the same entries as {@link #asPermittedOptions()}.
 */
final class Permissions {

  private final List<String> entries;
  private final Set<String> exact = new HashSet<>();
  private final List<String> prefixes = new ArrayList<>();

  Permissions(List<String> entries) {
    this.entries = List.copyOf(entries);
    for (String entry : entries) {
      if (entry.endsWith(".*")) {
        prefixes.add(entry.substring(0, entry.length() - 1));
      } else {
        exact.add(entry);
      }
    }
  }

  boolean allows(String address) {
    if (exact.contains(address)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (address.length() > prefix.length() && address.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The same entries as Vert.x Web's bridge options: an exact address, or a prefix as a regex. */
  List<PermittedOptions> asPermittedOptions() {
    List<PermittedOptions> options = new ArrayList<>(entries.size());
    for (String entry : entries) {
      options.add(entry.endsWith(".*")
          ? new PermittedOptions().setAddressRegex(Pattern.quote(entry.substring(0, entry.length() - 1)) + ".+")
          : new PermittedOptions().setAddress(entry));
    }
    return options;
  }
}
