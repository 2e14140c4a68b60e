package io.tandem.auth;

import io.tandem.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokens file: what it accepts, what it refuses (one line naming the principal), how a token finds its principal. */
class PrincipalsTest {

  private static final String OPS_TOKEN = "ops-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String VIEWER_TOKEN = "viewer-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  static String file(JsonObject... principals) {
    return new JsonArray(List.of((Object[]) principals)).encodePrettily();
  }

  static JsonObject principal(String name, String token, List<String> http) {
    return Principals.line(name, Tokens.sha256Hex(token), http, List.of("tandem.echo"), List.of("tandem.tcp.messages"));
  }

  @Test
  void aTokenFindsItsPrincipalAndNoOther() {
    Principals principals = Principals.parse(file(principal("ops", OPS_TOKEN, List.of("*")),
        principal("viewer", VIEWER_TOKEN, List.of("POST /fetch"))), "tokens.json");
    assertEquals(2, principals.size());
    Principal ops = principals.find(OPS_TOKEN);
    assertEquals("ops", ops.name());
    assertTrue(ops.mayUse("POST /echo"));
    Principal viewer = principals.find(VIEWER_TOKEN);
    assertEquals("viewer", viewer.name());
    assertTrue(viewer.mayUse("POST /fetch"));
    assertFalse(viewer.mayUse("POST /echo"));
    assertEquals(List.of("tandem.echo"), viewer.inbound());
    assertEquals(List.of("tandem.tcp.messages"), viewer.outbound());
    assertNull(principals.find(OPS_TOKEN + "x"));
    assertNull(principals.find(""));
    assertNull(principals.find(Tokens.sha256Hex(OPS_TOKEN)), "the hash is not the token");
  }

  @Test
  void anEmptyFileIsNobody() {
    Principals principals = Principals.parse("[]", "tokens.json");
    assertTrue(principals.isEmpty());
    assertNull(principals.find(OPS_TOKEN));
  }

  @Test
  void whatIsWrongIsNamedWithThePrincipal() {
    String hex = Tokens.sha256Hex(OPS_TOKEN);
    assertRefused("auth.tokensFile t.json is not a JSON array of principals", "{\"name\":\"ops\"}");
    assertRefused("auth.tokensFile t.json is not a JSON array of principals", "[{");
    assertRefused("auth.tokensFile t.json: principal 1 must be a JSON object", "[\"ops\"]");
    assertRefused("auth.tokensFile t.json: principal 1: name must be 1..64 of", "[{\"name\":\"o p s\",\"tokenSha256\":\"" + hex + "\"}]");
    assertRefused("auth.tokensFile t.json: principal 1 (\"ops\"): tokenSha256 must be 64 hex digits",
        "[{\"name\":\"ops\",\"tokenSha256\":\"" + OPS_TOKEN + "\"}]");
    assertRefused("auth.tokensFile t.json: principal 2 (\"ops\"): another principal has that name",
        file(principal("ops", OPS_TOKEN, List.of()), principal("ops", VIEWER_TOKEN, List.of())));
    assertRefused("auth.tokensFile t.json: principal 2 (\"viewer\"): another principal has the same token",
        file(principal("ops", OPS_TOKEN, List.of()), principal("viewer", OPS_TOKEN, List.of())));
    assertRefused("auth.tokensFile t.json: principal 1 (\"ops\"): permissions.http lists \"DELETE /\"",
        file(principal("ops", OPS_TOKEN, List.of("DELETE /"))));
    assertRefused("auth.tokensFile t.json: principal 1: token is not a known key",
        "[{\"name\":\"ops\",\"token\":\"" + OPS_TOKEN + "\"}]");
    assertRefused("auth.tokensFile t.json: principal 1 (\"ops\"): permissions.admin is not a known key",
        "[{\"name\":\"ops\",\"tokenSha256\":\"" + hex + "\",\"permissions\":{\"admin\":true}}]");
    assertRefused("auth.tokensFile t.json: principal 1 (\"ops\"): permissions.inbound must be a list of non-empty strings",
        "[{\"name\":\"ops\",\"tokenSha256\":\"" + hex + "\",\"permissions\":{\"inbound\":\"tandem.echo\"}}]");
  }

  @Test
  void aMissingFileIsOneLineToo(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class, () -> Principals.read(dir.resolve("none.json").toString()));
    assertTrue(e.getMessage().startsWith("auth.tokensFile " + dir.resolve("none.json") + " cannot be read"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void theTokenCommandPrintsATokenAndTheLineThatLetsItIn(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, Tokens.printNew(new String[] {"ci-bot"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), String.join("\n", lines));
    String token = lines.get(0);
    assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "256 bits, URL-safe: " + token);
    assertFalse(lines.get(1).contains(token), "the file's line holds the hash only");
    Path tokens = dir.resolve("tokens.json");
    Files.writeString(tokens, "[" + lines.get(1) + "]");
    Principal principal = Principals.read(tokens.toString()).find(token);
    assertEquals("ci-bot", principal.name());
    assertTrue(principal.mayUse("POST /fetch"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("auth.tokensFile"));

    assertEquals(2, Tokens.printNew(new String[] {"no spaces"}, new PrintStream(out), new PrintStream(err)));
    assertEquals(2, Tokens.printNew(new String[] {"a", "b"}, new PrintStream(out), new PrintStream(err)));
  }

  @Test
  void tokensAreRandomAndHashedAsSha256() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Tokens.sha256Hex("abc"));
    assertFalse(Tokens.newToken().equals(Tokens.newToken()));
  }

  private static void assertRefused(String start, String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> Principals.parse(text, "t.json"));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
