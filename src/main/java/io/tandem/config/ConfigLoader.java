package io.tandem.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers the configuration layers, lowest first: built-in defaults, the file
 * ({@code conf/config.json} in the working directory, or the launcher's {@code -conf}, which
 * replaces it), environment variables, system properties.
 *
 * <p>The launcher on its own falls back to {@code {}} when {@code -conf} is missing or broken;
 * this class reads the file itself so that such a mistake stops start-up with one clear line.
 * It runs once in {@code main}, before Vert.x exists, so blocking file I/O is fine here.
 */
public final class ConfigLoader {

  public static final Path DEFAULT_FILE = Path.of("conf", "config.json");

  private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private final JsonObject root;
  private final String origin;
  private final Overrides overrides;

  private ConfigLoader(JsonObject root, String origin, Overrides overrides) {
    this.root = root;
    this.origin = origin;
    this.overrides = overrides;
  }

  /** The layers of this process: {@code confOption} is the launcher's -conf value, or null. */
  public static ConfigLoader forProcess(String confOption) {
    return of(confOption, System.getenv(), System.getProperties());
  }

  /**
   * @param confOption a file path or an inline JSON object (as the launcher's -conf takes), or
   *                   null for {@code conf/config.json} if it exists
   * @throws ConfigException when the file cannot be read or is not a JSON object
   */
  public static ConfigLoader of(String confOption, Map<String, String> env, Properties properties) {
    Overrides overrides = Overrides.of(env, properties);
    if (confOption == null) {
      if (Files.isRegularFile(DEFAULT_FILE)) {
        return new ConfigLoader(readFile(DEFAULT_FILE), DEFAULT_FILE.toString(), overrides);
      }
      return new ConfigLoader(new JsonObject(), "built-in defaults", overrides);
    }
    String origin = confOption.trim().startsWith("{") ? "-conf" : confOption;
    return new ConfigLoader(readObject(confOption, "-conf"), origin, overrides);
  }

  /**
   * Reads a launcher option that takes a JSON object or a file holding one ({@code -conf},
   * {@code -options}, {@code -deployment-options}).
   *
   * @throws ConfigException naming the option or file when it cannot be read or parsed
   */
  public static JsonObject readObject(String fileOrJson, String option) {
    if (fileOrJson.trim().startsWith("{")) {
      return parse(fileOrJson, option);
    }
    return readFile(Path.of(fileOrJson));
  }

  /** Validated settings; sections that set no instance count get {@code defaultInstances}. */
  public TandemSettings settings(int defaultInstances) {
    TandemSettings settings = TandemSettings.read(root, origin, overrides, defaultInstances);
    settings.checkAcrossSections();
    return settings;
  }

  private static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + ConfigException.firstLine(e.getMessage()));
    }
    return parse(text, file.toString());
  }

  private static JsonObject parse(String text, String origin) {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new ConfigException(origin + " is not valid JSON: " + describe(e));
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    throw new ConfigException(origin + " must hold a JSON object, got " + (value == null ? "nothing" : value));
  }

  /** Jackson's message spans lines and quotes the input; keep its gist and where the error is. */
  private static String describe(DecodeException e) {
    String message = e.getMessage() == null ? "malformed" : e.getMessage();
    String gist = ConfigException.firstLine(message)
        .replaceFirst("^Failed to decode: ?", "")
        .replaceAll(" ?\\(start marker at \\[Source: [^]]*\\]\\)", "")
        .replaceAll(" ?\\[Source: [^]]*\\]", "")
        .strip();
    String location = null;
    for (Matcher at = LOCATION.matcher(message); at.find(); ) {
      location = "line " + at.group(1) + ", column " + at.group(2);
    }
    return location == null ? gist : gist + " (" + location + ")";
  }
}
