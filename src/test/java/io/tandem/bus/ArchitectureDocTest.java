package io.tandem.bus;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/architecture.md names only addresses the contract has, and every one of them. */
class ArchitectureDocTest {

  /** An address as the doc writes it; a prefix as {@code tandem.fetch.url.<node>}. */
  private static final Pattern ADDRESS = Pattern.compile("tandem(?:\\.[a-z]+)+(?:\\.<[a-z]+>)?");

  @Test
  void theDocNamesExactlyTheContractsAddresses() throws Exception {
    Set<String> contract = new TreeSet<>();
    for (Field field : Addresses.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        contract.add((String) field.get(null));
      }
    }
    Set<String> named = new HashSet<>();
    Matcher found = ADDRESS.matcher(Files.readString(Path.of("docs/architecture.md")));
    while (found.find()) {
      String address = found.group();
      // tandem.fetch.url.<node> is the prefix tandem.fetch.url.
      String asInContract = address.contains("<") ? address.substring(0, address.indexOf('<')) : address;
      assertTrue(contract.contains(asInContract), address + " is in docs/architecture.md but not in bus/Addresses");
      named.add(asInContract);
    }
    assertEquals(contract, new TreeSet<>(named), "addresses of bus/Addresses that docs/architecture.md leaves out");
  }
}
