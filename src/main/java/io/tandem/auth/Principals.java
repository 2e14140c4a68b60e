package io.tandem.auth;

import io.tandem.config.AuthSettings;
import io.tandem.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The principals of {@code auth.tokensFile}, each known by the SHA-256 of its token. The launcher
 * reads and checks the file before anything listens ({@link #read}: one {@code config error} line
 * for whatever is wrong); each verticle that admits clients reads it again, without blocking
 * ({@link #load}).
 *
 * <p>The file is a JSON array of
 * {@code {"name":"ops","tokenSha256":"<64 hex>","permissions":{"http":[…],"inbound":[…],"outbound":[…]}}};
 * {@code java -jar tandem.jar token NAME} prints a new token and its line.
 */
public final class Principals {

  public static final String NAME = "name";
  public static final String TOKEN_SHA256 = "tokenSha256";
  public static final String PERMISSIONS = "permissions";
  public static final String HTTP = "http";
  public static final String INBOUND = "inbound";
  public static final String OUTBOUND = "outbound";
  private static final Set<String> KEYS = Set.of(NAME, TOKEN_SHA256, PERMISSIONS);
  private static final Set<String> PERMISSION_KEYS = Set.of(HTTP, INBOUND, OUTBOUND);
  /** A name goes into logs and a message header: nothing that could forge a line or a field. */
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final Pattern HEX_256 = Pattern.compile("[0-9a-fA-F]{64}");

  private static final Principals NONE = new Principals(List.of(), List.of(), false);

  private final List<byte[]> hashes;
  private final List<Principal> principals;
  private final boolean configured;

  private Principals(List<byte[]> hashes, List<Principal> principals, boolean configured) {
    this.hashes = hashes;
    this.principals = principals;
    this.configured = configured;
  }

  /** No tokens file: nobody shows a token, and nobody is asked for one. */
  public static Principals none() {
    return NONE;
  }

  /**
   * The principals of {@code auth.tokensFile}, read without blocking, for a verticle that admits
   * clients (the launcher has already checked the file); {@link #none()} when there is no file.
   */
  public static Future<Principals> load(Vertx vertx, AuthSettings auth) {
    String file = auth.tokensFile();
    if (file == null) {
      return Future.succeededFuture(NONE);
    }
    return vertx.fileSystem().readFile(file).map(text -> parse(text.toString(StandardCharsets.UTF_8), file));
  }

  /** Whether there is a tokens file: then a client is known by its token, or is nobody. */
  public boolean configured() {
    return configured;
  }

  /**
   * The principal {@code token} stands for, or null. Every stored hash is compared, each in
   * constant time, so how long this takes says nothing about which hash came close.
   */
  public Principal find(String token) {
    byte[] hash = Tokens.sha256(token);
    Principal found = null;
    for (int i = 0; i < hashes.size(); i++) {
      if (MessageDigest.isEqual(hash, hashes.get(i))) {
        found = principals.get(i);
      }
    }
    return found;
  }

  public static boolean isValidName(String name) {
    return VALID_NAME.matcher(name).matches();
  }

  public boolean isEmpty() {
    return principals.isEmpty();
  }

  public int size() {
    return principals.size();
  }

  /**
   * Reads and checks the file, blocking: for the launcher, before Vert.x starts. A verticle reads it
   * with Vert.x's file system and hands the text to {@link #parse}.
   */
  public static Principals read(String file) {
    try {
      return parse(Files.readString(Path.of(file)), file);
    } catch (IOException e) {
      throw new ConfigException(origin(file) + " cannot be read: " + e.getMessage());
    }
  }

  /** @throws ConfigException naming the file, the principal and what is wrong */
  public static Principals parse(String text, String file) {
    JsonArray array;
    try {
      array = new JsonArray(text);
    } catch (DecodeException e) {
      throw new ConfigException(origin(file) + " is not a JSON array of principals: " + firstLine(e.getMessage()));
    }
    return fromJson(array, origin(file));
  }

  private static String origin(String file) {
    return AuthSettings.SECTION + ".tokensFile " + file;
  }

  /** A principal's line of the file, as {@code tandem.jar token} prints it. */
  public static JsonObject line(String name, String tokenSha256Hex, List<String> http, List<String> inbound, List<String> outbound) {
    return new JsonObject()
        .put(NAME, name)
        .put(TOKEN_SHA256, tokenSha256Hex)
        .put(PERMISSIONS, new JsonObject().put(HTTP, new JsonArray(http)).put(INBOUND, new JsonArray(inbound))
            .put(OUTBOUND, new JsonArray(outbound)));
  }

  private static Principals fromJson(JsonArray array, String origin) {
    List<byte[]> hashes = new ArrayList<>();
    List<Principal> principals = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> hexes = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String where = origin + ": principal " + (i + 1);
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException(where + " must be a JSON object");
      }
      for (String key : entry.fieldNames()) {
        if (!KEYS.contains(key)) {
          throw new ConfigException(where + ": " + key + " is not a known key (known: name, tokenSha256, permissions)");
        }
      }
      if (!(entry.getValue(NAME) instanceof String name) || !isValidName(name)) {
        throw new ConfigException(where + ": name must be 1..64 of A-Z a-z 0-9 . _ @ - (starting with a letter or digit)");
      }
      where += " (\"" + name + "\")";
      if (!names.add(name)) {
        throw new ConfigException(where + ": another principal has that name");
      }
      if (!(entry.getValue(TOKEN_SHA256) instanceof String hex) || !HEX_256.matcher(hex).matches()) {
        throw new ConfigException(where + ": tokenSha256 must be 64 hex digits, the token's SHA-256 (java -jar tandem.jar token prints a token and its line)");
      }
      if (!hexes.add(hex.toLowerCase())) {
        throw new ConfigException(where + ": another principal has the same token");
      }
      Object permissions = entry.getValue(PERMISSIONS);
      if (permissions != null && !(permissions instanceof JsonObject)) {
        throw new ConfigException(where + ": permissions must be a JSON object of http, inbound and outbound lists");
      }
      JsonObject granted = permissions == null ? new JsonObject() : (JsonObject) permissions;
      for (String key : granted.fieldNames()) {
        if (!PERMISSION_KEYS.contains(key)) {
          throw new ConfigException(where + ": permissions." + key + " is not a known key (known: http, inbound, outbound)");
        }
      }
      List<String> http = strings(granted, HTTP, where);
      for (String endpoint : http) {
        if (!endpoint.equals(Principal.ALL) && !AuthSettings.ENDPOINTS.contains(endpoint)) {
          throw new ConfigException(where + ": permissions.http lists \"" + endpoint + "\"; endpoints are "
              + String.join(", ", AuthSettings.ENDPOINTS) + ", or * for all");
        }
      }
      hashes.add(HexFormat.of().parseHex(hex));
      principals.add(new Principal(name, Set.copyOf(http), strings(granted, INBOUND, where),
          strings(granted, OUTBOUND, where)));
    }
    return new Principals(List.copyOf(hashes), List.copyOf(principals), true);
  }

  private static List<String> strings(JsonObject permissions, String key, String where) {
    Object value = permissions.getValue(key);
    if (value == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String text) || text.isBlank()) {
          items = null;
          break;
        }
        items.add(text.strip());
      }
      if (items != null) {
        return List.copyOf(items);
      }
    }
    throw new ConfigException(where + ": permissions." + key + " must be a list of non-empty strings");
  }

  private static String firstLine(String message) {
    int newline = message == null ? -1 : message.indexOf('\n');
    return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
  }
}
