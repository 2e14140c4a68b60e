package io.tandem;

import io.tandem.config.ConfigException;
import io.tandem.testing.LauncherOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherArgsTest {

  @Test
  void readsOptionsInEveryFormTheLauncherAccepts() {
    assertEquals("a.json", LauncherArgs.conf(new String[] {"-conf", "a.json"}));
    assertEquals("b.json", LauncherArgs.conf(new String[] {"-cluster", "--conf=b.json"}));
    assertEquals("{\"x\":1}", LauncherArgs.conf(new String[] {"-CONF", "{\"x\":1}"}));
    assertNull(LauncherArgs.conf(new String[] {"-options", "o.json"}));
    assertEquals(4, LauncherArgs.instances(new String[] {"-instances", "4"}));
    assertEquals(2, LauncherArgs.instances(new String[] {"--instances=2"}));
    assertNull(LauncherArgs.instances(new String[0]));
  }

  @Test
  void seesTheClusterFlagButNotTheClusterOptions() {
    assertTrue(LauncherArgs.clustered(new String[] {"-conf", "a.json", "--CLUSTER"}));
    assertFalse(LauncherArgs.clustered(new String[] {"-cluster-host", "10.0.0.1"}));
    assertFalse(LauncherArgs.clustered(new String[] {"-conf", "a.json"}));
  }

  @Test
  void everyNameTheLauncherTakesForTheClusterFlagClustersTandemToo() {
    List<String> names = LauncherOptions.clusterNames();
    assertTrue(names.contains("-c"), "5.0.8 declares -c: " + names);
    for (String name : names) {
      for (String spelling : List.of(name, name.toUpperCase(Locale.ROOT))) {
        assertTrue(LauncherArgs.clustered(new String[] {spelling}), spelling);
        assertTrue(LauncherArgs.clustered(new String[] {"-conf", "{}", spelling, "-instances", "2"}), spelling);
      }
    }
    // short flags run together, as the launcher reads them: -c and -w
    assertTrue(LauncherArgs.clustered(new String[] {"-cw"}));
  }

  @Test
  void argumentsTheLauncherRefusesStartNothingClustered() {
    // the launcher exits 2 with its usage for these
    assertFalse(LauncherArgs.clustered(new String[] {"-c", "-nope"}));
    assertFalse(LauncherArgs.clustered(new String[] {"-c=true"}));
  }

  @Test
  void aBadInstanceCountOrAMissingValueIsAConfigError() {
    assertEquals("-instances must be 1..1024, got \"0\"",
        assertThrows(ConfigException.class, () -> LauncherArgs.instances(new String[] {"-instances", "0"})).getMessage());
    assertEquals("-conf needs a value", assertThrows(ConfigException.class, () -> LauncherArgs.conf(new String[] {"-conf"})).getMessage());
  }

  @Test
  void brokenJsonOptionsAreConfigErrorsNotWarnings() {
    LauncherArgs.checkJsonOptions(new String[] {"-options", "{\"eventLoopPoolSize\":2}"});
    assertEquals("-options is not valid JSON: Unexpected end-of-input: expected close marker for Object (line 1, column 2)",
        assertThrows(ConfigException.class, () -> LauncherArgs.checkJsonOptions(new String[] {"-options", "{"})).getMessage());
    assertEquals("cannot read nope.json: no such file",
        assertThrows(ConfigException.class, () -> LauncherArgs.checkJsonOptions(new String[] {"-deployment-options=nope.json"})).getMessage());
  }

  @Test
  void recognisesHelp() {
    assertTrue(LauncherArgs.wantsHelp(new String[] {"--help"}));
    assertTrue(LauncherArgs.wantsHelp(new String[] {"-h"}));
    assertFalse(LauncherArgs.wantsHelp(new String[] {"-conf", "x"}));
  }
}
