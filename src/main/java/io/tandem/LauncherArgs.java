package io.tandem;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigLoader;
import io.tandem.config.Listener;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.launcher.application.impl.VertxApplicationCommand;
import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads the few launcher options Tandem must see before the launcher does ({@code -conf},
 * {@code -instances}, {@code -cluster}, help), with the launcher's syntax: case-insensitive names,
 * one or two dashes, and the value either next or after '='. The flags are read by the launcher's
 * own parser on its own option declarations, so that every name it takes for them ({@code -c} is
 * {@code -cluster}) means the same to Tandem: a clustered start Tandem did not see would be one
 * without Tandem's Hazelcast configuration, joining strangers by multicast.
 */
final class LauncherArgs {

  /** One name of the launcher's cluster flag; its other names come from the launcher. */
  static final String CLUSTER_OPTION = "-cluster";

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

  /** Whether the launcher will start clustered: {@code -cluster} under any of its names. */
  static boolean clustered(String[] args) {
    CommandLine.ParseResult parsed = parse(args);
    return parsed != null && Boolean.TRUE.equals(parsed.matchedOptionValue(CLUSTER_OPTION, null));
  }

  /** Whether the launcher will print its usage instead of starting. */
  static boolean wantsHelp(String[] args) {
    CommandLine.ParseResult parsed = parse(args);
    return parsed != null ? parsed.isUsageHelpRequested() : flag(args, "-h", "-help", "--help");
  }

  /**
   * The arguments as the launcher parses them (the same command object, case-insensitive as it
   * sets it), or null when it refuses them: then it exits 2 with its usage, starting nothing.
   */
  private static CommandLine.ParseResult parse(String[] args) {
    VertxApplicationCommand command = new VertxApplicationCommand(new VertxApplication(args), VertxApplicationHooks.DEFAULT, null);
    CommandLine parser = new CommandLine(command).setOptionsCaseInsensitive(true);
    if (parser.getCommandSpec().findOption(CLUSTER_OPTION) == null) {
      throw new IllegalStateException("the Vert.x launcher has no " + CLUSTER_OPTION + " option any more: Tandem cannot tell when it clusters");
    }
    try {
      return parser.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return null;
    }
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
