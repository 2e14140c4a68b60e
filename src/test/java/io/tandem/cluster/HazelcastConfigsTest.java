package io.tandem.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.tandem.config.ClusterSettings;
import io.tandem.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HazelcastConfigsTest {

  private static final List<String> MEMBERS = List.of("127.0.0.1:5801", "127.0.0.1:5802");

  @TempDir
  Path dir;

  private static ClusterSettings settings(String host, String hazelcastConfig) {
    return new ClusterSettings("blue", host, 0, null, -1, 5801, MEMBERS, hazelcastConfig, false, null);
  }

  @Test
  void theShippedFileWithTheSectionOnTopJoinsTheListedMembersOnly() {
    Config config = HazelcastConfigs.of(settings("localhost", "conf/cluster.xml"));
    assertEquals("blue", config.getClusterName());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(MEMBERS, join.getTcpIpConfig().getMembers());
    assertTrue(config.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals(5801, config.getNetworkConfig().getPort());
    assertEquals("0", config.getProperty("hazelcast.wait.seconds.before.join"));
    assertEquals("false", config.getProperty("hazelcast.shutdownhook.enabled"));
    // what Vert.x keeps in the cluster: a subscription is registered once per handler
    MultiMapConfig subscriptions = config.getMultiMapConfig("__vertx.subs");
    assertEquals(MultiMapConfig.ValueCollectionType.SET, subscriptions.getValueCollectionType());
  }

  @Test
  void theOwnVerticleExampleJoinsWithTheShippedFileAsItIs() throws Exception {
    assertEquals(Files.readString(Path.of("conf", "cluster.xml")),
        Files.readString(Path.of("examples", "own-verticle", "src", "main", "resources", "cluster.xml")),
        "examples/own-verticle/src/main/resources/cluster.xml is a copy of conf/cluster.xml");
  }

  @Test
  void aWildcardHostLeavesHazelcastFreeToBindAnyInterface() {
    Config config = HazelcastConfigs.of(settings("0.0.0.0", "conf/cluster.xml"));
    assertFalse(config.getNetworkConfig().getInterfaces().isEnabled());
  }

  @Test
  void withoutTheDefaultFileTheJarsCopyOfItIsTheBaseNeverVertxsMulticastOne() {
    // a working directory without conf/cluster.xml, say the jar run from elsewhere
    Config config = HazelcastConfigs.of(settings("127.0.0.1", ClusterSettings.DEFAULT_HAZELCAST_CONFIG), dir);
    assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertFalse(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
    assertEquals(MEMBERS, config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals(MultiMapConfig.ValueCollectionType.SET, config.getMultiMapConfig("__vertx.subs").getValueCollectionType());
    // conf/cluster.xml's heartbeats: Vert.x's default-cluster.xml has none of them
    assertEquals("10", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("blue", config.getClusterName());
  }

  @Test
  void theShippedFileAloneJoinsTheDefaultNodesOnLoopbackWithoutMulticastOrSlf4j() throws Exception {
    // what a plain Vert.x project that reads conf/cluster.xml gets, with no Tandem on top
    Config plain = new XmlConfigBuilder(Path.of("conf", "cluster.xml").toString()).build();
    assertEquals(ClusterSettings.DEFAULT_NAME, plain.getClusterName());
    JoinConfig join = plain.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(ClusterSettings.DEFAULT_MEMBERS, join.getTcpIpConfig().getMembers());
    assertEquals(ClusterSettings.DEFAULT_MEMBER_PORT, plain.getNetworkConfig().getPort());
    assertEquals(List.of(ClusterSettings.DEFAULT_HOST), List.copyOf(plain.getNetworkConfig().getInterfaces().getInterfaces()));
    assertNull(plain.getProperty("hazelcast.logging.type"), "a plain project may have no SLF4J");
    // Tandem logs through SLF4J all the same
    assertEquals("slf4j", HazelcastConfigs.of(settings("127.0.0.1", "conf/cluster.xml")).getProperty("hazelcast.logging.type"));
  }

  @Test
  void aMissingOrBrokenFileIsAConfigError() throws Exception {
    String missing = dir.resolve("nope.xml").toString();
    assertEquals("cluster.hazelcastConfig: cannot read " + missing + ": no such file",
        assertThrows(ConfigException.class, () -> HazelcastConfigs.of(settings("127.0.0.1", missing))).getMessage());
    Path broken = Files.writeString(dir.resolve("broken.xml"), "<hazelcast><network><port>x</port></network></hazelcast>");
    String message = assertThrows(ConfigException.class, () -> HazelcastConfigs.of(settings("127.0.0.1", broken.toString()))).getMessage();
    assertTrue(message.startsWith("cluster.hazelcastConfig: " + broken + " is not a usable Hazelcast configuration: "), message);
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void aHostThatDoesNotResolveIsAConfigError() {
    assertEquals("cluster.host: cannot resolve \"no-such-host.invalid\"",
        assertThrows(ConfigException.class, () -> HazelcastConfigs.of(settings("no-such-host.invalid", "conf/cluster.xml"))).getMessage());
  }
}
