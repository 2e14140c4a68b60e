package io.tandem.bus;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's event-bus table has a row for every address in {@link Addresses}. */
class AddressTableTest {

  @Test
  void everyAddressHasARowInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Field field : Addresses.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String address = (String) field.get(null);
        // a prefix such as tandem.tcp.send. has its row as tandem.tcp.send.<node>
        String row = address.endsWith(".") ? "| `" + address + "<" : "| `" + address + "` |";
        assertTrue(readme.lines().anyMatch(line -> line.startsWith(row)),
            address + " is missing from the README's event-bus table");
      }
    }
  }
}
