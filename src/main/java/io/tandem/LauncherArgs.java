package io.tandem;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.Listener;

import java.util.Locale;

/**
 * Reads the few launcher options Tandem must see before the launcher does ({@code -conf},
 * {@code -instances}, help), with the launcher's syntax: case-insensitive names, one or two
 * dashes, and the value either next or after '='.
 */
final class LauncherArgs {

  private LauncherArgs() {
  }

  static String conf(String[] args) {
    return value(args, "conf");
  }

  /**
   * Checks the launcher's JSON options, which it would otherwise ignore with only a warning
   * when they are broken.
   *
   * @throws ConfigException naming the option and what is wrong with it
   */
  static void checkJsonOptions(String[] args) {
    for (String option : new String[] {"options", "vertx-options", "deployment-options"}) {
      String value = value(args, option);
      if (value != null) {
        ConfigLoader.readObject(value, "-" + option);
      }
    }
  }

  /** The {@code -instances} count, or null when not given. */
  static Integer instances(String[] args) {
    String value = value(args, "instances");
    if (value == null) {
      return null;
    }
    try {
      int instances = Integer.parseInt(value.trim());
      if (instances >= 1 && instances <= Listener.MAX_INSTANCES) {
        return instances;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException("-instances must be 1.." + Listener.MAX_INSTANCES + ", got \"" + value + "\"");
  }

  /** Whether {@code -cluster} (a flag, no value) is given. */
  static boolean clustered(String[] args) {
    return flag(args, "-cluster", "--cluster");
  }

  static boolean wantsHelp(String[] args) {
    return flag(args, "-h", "-help", "--help");
  }

  private static boolean flag(String[] args, String... names) {
    for (String arg : args) {
      for (String name : names) {
        if (arg.equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String value(String[] args, String option) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String lower = arg.toLowerCase(Locale.ROOT);
      for (String name : new String[] {"-" + option, "--" + option}) {
        if (lower.equals(name)) {
          if (i + 1 >= args.length) {
            throw new ConfigException(name + " needs a value");
          }
          return args[i + 1];
        }
        if (lower.startsWith(name + "=")) {
          return arg.substring(name.length() + 1);
        }
      }
    }
    return null;
  }
}
