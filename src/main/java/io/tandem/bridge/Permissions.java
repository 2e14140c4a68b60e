package io.tandem.bridge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One direction of the bridges' permission list: exact addresses, and prefixes written as
 * {@code prefix.*} (which match any address that starts with {@code prefix.} and goes on).
 */
final class Permissions {

  private final Set<String> exact = new HashSet<>();
  private final List<String> prefixes = new ArrayList<>();

  Permissions(List<String> entries) {
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
}
