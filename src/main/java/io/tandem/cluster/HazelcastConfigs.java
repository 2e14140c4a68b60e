package io.tandem.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.tandem.config.ClusterSettings;
import io.tandem.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * The Hazelcast configuration of a node: the XML file {@code cluster.hazelcastConfig} names (the
 * shipped {@code conf/cluster.xml}, or Vert.x's built-in one when that default file is absent),
 * with the {@code cluster} section on top. The join is always TCP-IP to the listed members, with
 * multicast and auto-detection off. Reads files and may resolve a name: call it before Vert.x
 * starts, where blocking is fine and a mistake can still be a config error.
 */
public final class HazelcastConfigs {

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
        // keeps the maps Vert.x needs; its multicast join is replaced above
        return ConfigUtil.loadConfig();
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
