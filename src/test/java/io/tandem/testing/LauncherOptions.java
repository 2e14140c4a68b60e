package io.tandem.testing;

import io.vertx.launcher.application.impl.VertxApplicationCommand;
import picocli.CommandLine;

import java.lang.reflect.Field;
import java.util.List;

/** What the Vert.x launcher itself declares, read from the annotations on its command class. */
public final class LauncherOptions {

  private LauncherOptions() {
  }

  /** Every name the launcher takes for its cluster flag ({@code -c}, {@code -cluster}, {@code --cluster} in 5.0.8). */
  public static List<String> clusterNames() {
    for (Field field : VertxApplicationCommand.class.getDeclaredFields()) {
      CommandLine.Option option = field.getAnnotation(CommandLine.Option.class);
      if (option != null && List.of(option.names()).contains("-cluster")) {
        return List.of(option.names());
      }
    }
    throw new AssertionError("the launcher declares no -cluster option");
  }
}
