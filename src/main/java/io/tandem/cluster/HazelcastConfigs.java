package io.tandem.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.tandem.config.ClusterSettings;
import io.tandem.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * The Hazelcast configuration of a node: the XML file {@code cluster.hazelcastConfig} names (the
 * shipped {@code conf/cluster.xml}, or the copy of it in the jar when that default file is absent),
 * with the {@code cluster} section on top. The join is always TCP-IP to the listed members, with
 * multicast and auto-detection off. Tandem always hands this to the cluster manager itself, so
 * Vert.x's Hazelcast never reads its own {@code default-cluster.xml}, which joins by multicast. Reads files and may resolve a name: call it before Vert.x
 * starts, where blocking is fine and a mistake can still be a config error.
 */
public final class HazelcastConfigs {

  /** conf/cluster.xml as the build packs it. */
  private static final String PACKED = "cluster.xml";

  private HazelcastConfigs() {
  }

  /** @throws ConfigException when the file cannot be read or parsed, or the host does not resolve */
  public static Config of(ClusterSettings settings) {
    return of(settings, Path.of(""));
  }

  /** As {@link #of(ClusterSettings)}, with a relative {@code hazelcastConfig} taken from {@code workDir}. */
  static Config of(ClusterSettings settings, Path workDir) {
    Config config = base(settings.hazelcastConfig(), workDir);
    config.setClusterName(settings.name());
    config.getNetworkConfig().setPort(settings.memberPort()).setPortAutoIncrement(true);
    if (settings.bindsOneInterface()) {
      config.getNetworkConfig().getInterfaces().setEnabled(true).clear().addInterface(address(settings.host()));
    } else {
      config.getNetworkConfig().getInterfaces().setEnabled(false).clear();
    }
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(settings.members()));
    // the file may set these; without it, a node waits 5 s before joining and reports home
    defaultProperty(config, "hazelcast.wait.seconds.before.join", "0");
    defaultProperty(config, "hazelcast.phone.home.enabled", "false");
    defaultProperty(config, "hazelcast.logging.type", "slf4j");
    return config;
  }

  private static Config base(String file, Path workDir) {
    Path path = workDir.resolve(file);
    if (!Files.isRegularFile(path)) {
      if (file.equals(ClusterSettings.DEFAULT_HAZELCAST_CONFIG)) {
        return packed();
      }
      throw new ConfigException("cluster.hazelcastConfig: cannot read " + file + ": no such file");
    }
    try {
      return new XmlConfigBuilder(path.toString()).build();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("cluster.hazelcastConfig: " + file + " is not a usable Hazelcast configuration: "
          + ConfigException.firstLine(e.getMessage()));
    }
  }

  /** The jar's copy of the shipped file: the maps Vert.x keeps, the heartbeats. */
  private static Config packed() {
    try (InputStream xml = HazelcastConfigs.class.getResourceAsStream(PACKED)) {
      if (xml == null) {
        throw new IllegalStateException(PACKED + " is missing from the jar");
      }
      return new XmlConfigBuilder(xml).build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + PACKED + " from the jar", e);
    }
  }

  /** Hazelcast binds interfaces by address. */
  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException("cluster.host: cannot resolve \"" + host + "\"");
    }
  }

  private static void defaultProperty(Config config, String name, String value) {
    if (config.getProperty(name) == null) {
      config.setProperty(name, value);
    }
  }
}
