package io.tandem.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

  private static final Properties NO_PROPERTIES = new Properties();

  @TempDir
  Path dir;

  private TandemSettings load(String conf, Map<String, String> env, Properties properties) {
    return ConfigLoader.of(conf, env, properties).settings(3);
  }

  private String error(String conf, Map<String, String> env, Properties properties) {
    return assertThrows(ConfigException.class, () -> load(conf, env, properties)).getMessage();
  }

  private String write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }

  @Test
  void everyKeyHasADefault() {
    TandemSettings settings = load("{}", Map.of(), NO_PROPERTIES);
    assertEquals(new Listener(true, "0.0.0.0", 8080, 3), settings.tcp().listener());
    assertEquals(new Listener(true, "0.0.0.0", 8888, 3), settings.http().listener());
    assertEquals(300, settings.tcp().idleTimeoutSeconds());
    assertEquals(10_000, settings.tcp().maxConnections());
    assertEquals(65_536, settings.tcp().maxLineBytes());
    assertTrue(settings.tcp().publishMessages());
    assertEquals(1000, settings.tcp().maxLinesPerSecond());
    assertEquals(10_000, settings.tcp().maxInstanceLinesPerSecond());
    assertEquals("Hello, world!", settings.http().greeting());
    assertEquals(0, settings.http().delayMs());
    assertEquals(10_000, settings.http().maxDelayMs());
    assertEquals(1024 * 1024, settings.http().maxBodyBytes());
    assertEquals(10, settings.shutdownGraceSeconds());
    assertFalse(settings.bridge().tcpEnabled(), "the TCP bridge listens only when asked to");
  }

  @Test
  void theShippedConfigFileIsValidAndSpellsOutTheDefaults() {
    TandemSettings shipped = load(Path.of("conf", "config.json").toString(), Map.of(), NO_PROPERTIES);
    JsonObject file = new JsonObject(readShipped("config.json"));
    assertEquals(load("{}", Map.of(), NO_PROPERTIES), shipped, "every key at its default: nothing fetches localhost, no other site's page uses the bus");
    for (String section : List.of(TcpSettings.SECTION, ChatSettings.SECTION, HttpSettings.SECTION, FetcherSettings.SECTION, BridgeSettings.SECTION, ClusterSettings.SECTION,
        AuthSettings.SECTION, TlsSettings.SECTION)) {
      assertTrue(file.containsKey(section), section);
    }
  }

  @Test
  void theDevelopmentConfigOnlyListensOnLoopbackAndLetsTheFetcherReachLocalhost() {
    TandemSettings shipped = load(Path.of("conf", "config.json").toString(), Map.of(), NO_PROPERTIES);
    TandemSettings dev = load(Path.of("conf", "dev.json").toString(), Map.of(), NO_PROPERTIES);
    assertEquals(List.of(HostPattern.parse("localhost")), dev.fetcher().allowHosts());
    assertEquals("127.0.0.1", dev.tcp().listener().host());
    assertEquals("127.0.0.1", dev.chat().listener().host());
    assertEquals("127.0.0.1", dev.http().listener().host());
    JsonObject expected = new JsonObject(readShipped("config.json"));
    expected.getJsonObject("fetcher").put("allowHosts", new io.vertx.core.json.JsonArray().add("localhost"));
    expected.getJsonObject("tcp").put("host", "127.0.0.1");
    expected.getJsonObject("chat").put("host", "127.0.0.1");
    expected.getJsonObject("http").put("host", "127.0.0.1");
    assertEquals(expected, new JsonObject(readShipped("dev.json")), "otherwise the shipped file, key for key");
    assertEquals(shipped.bridge(), dev.bridge());
  }

  @Test
  void theSmallFootprintConfigIsTheShippedOneWithOneInstanceEachAndLowerCeilings() {
    TandemSettings small = load(Path.of("conf", "small.json").toString(), Map.of(), NO_PROPERTIES);
    assertEquals(1, small.tcp().listener().instances());
    assertEquals(1, small.fetcher().instances());
    JsonObject expected = new JsonObject(readShipped("config.json"));
    for (String section : List.of("tcp", "chat", "http", "fetcher", "bridge")) {
      expected.getJsonObject(section).put("instances", 1);
    }
    expected.getJsonObject("tcp").put("maxConnections", 1000);
    expected.getJsonObject("chat").put("maxConnections", 1000).put("maxRooms", 100).put("historyLines", 50);
    expected.getJsonObject("http").put("maxConnections", 2000);
    expected.getJsonObject("fetcher").put("maxConcurrency", 64).put("maxUrls", 1000);
    assertEquals(expected, new JsonObject(readShipped("small.json")), "otherwise the shipped file, key for key");
  }

  @Test
  void allowedOriginsAreOriginsOrAStar() {
    assertEquals(List.of("https://app.example", "*"),
        load("{\"bridge\":{\"allowedOrigins\":[\"https://app.example\",\"*\"]}}", Map.of(), NO_PROPERTIES).bridge().allowedOrigins());
    assertEquals("bridge.allowedOrigins must list origins written as http(s)://host[:port] (no path), or *, got \"http://app.example/page\"",
        error("{\"bridge\":{\"allowedOrigins\":[\"http://app.example/page\"]}}", Map.of(), NO_PROPERTIES));
  }

  private static String readShipped(String name) {
    try {
      return Files.readString(Path.of("conf", name));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theClusterDefaultsLetThreeNodesOnOneMachineFindEachOtherOnLoopback() {
    assertEquals(new ClusterSettings("tandem", "127.0.0.1", 0, null, -1, 5701,
            List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), "conf/cluster.xml", false, null),
        load("{}", Map.of(), NO_PROPERTIES).cluster());
    TandemSettings settings = load("{\"cluster\":{\"host\":\"0.0.0.0\",\"publicHost\":\"10.0.0.7\",\"publicPort\":7000}}",
        Map.of("TANDEM_CLUSTER_MEMBERS", "10.0.0.7:5701, 10.0.0.8:5701"), NO_PROPERTIES);
    ClusterSettings set = settings.cluster();
    assertEquals(List.of("10.0.0.7:5701", "10.0.0.8:5701"), set.members());
    assertEquals("10.0.0.7", set.publicHost());
    assertEquals(7000, set.publicPort());
    assertFalse(set.bindsOneInterface());
    assertEquals(settings, TandemSettings.fromJson(settings.toJson()));
  }

  @Test
  void clusterMembersAreListedOneByOneAsHostAndPort() {
    assertEquals("cluster.members must be host:port entries (one per member, no ranges), got [127.0.0.1:5701-5703]",
        error("{\"cluster\":{\"members\":[\"127.0.0.1:5701-5703\"]}}", Map.of(), NO_PROPERTIES));
    assertEquals("cluster.members must list at least one host:port, got []",
        error("{}", Map.of("TANDEM_CLUSTER_MEMBERS", " , "), NO_PROPERTIES));
    assertEquals("cluster.members must be host:port entries (one per member, no ranges), got [node-a]",
        error("{\"cluster\":{\"members\":[\"node-a\"]}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void theFileOverridesDefaultsTheEnvironmentTheFileAndSystemPropertiesTheEnvironment() throws IOException {
    String file = write("c.json", "{\"http\":{\"port\":9000,\"greeting\":\"Hi\"},\"tcp\":{\"port\":9001,\"publishMessages\":true}}");
    Properties properties = new Properties();
    properties.setProperty("tandem.http.port", "9200");
    TandemSettings settings = load(file,
        Map.of("TANDEM_HTTP_PORT", "9100", "TANDEM_TCP_PUBLISH_MESSAGES", "false", "PATH", "/bin"), properties);
    assertEquals(9200, settings.http().listener().port());
    assertEquals("Hi", settings.http().greeting());
    assertEquals(9001, settings.tcp().listener().port());
    assertFalse(settings.tcp().publishMessages());
  }

  @Test
  void environmentNamesAreUpperSnakeCaseOfSectionAndKey() {
    TandemSettings settings = load("{}", Map.of(
        "TANDEM_TCP_MAX_LINE_BYTES", "10",
        "TANDEM_TCP_IDLE_TIMEOUT_SECONDS", " 0 ",
        "TANDEM_HTTP_ACCESS_LOG", "TRUE",
        "TANDEM_SHUTDOWN_GRACE_SECONDS", "2"), NO_PROPERTIES);
    assertEquals(10, settings.tcp().maxLineBytes());
    assertEquals(0, settings.tcp().idleTimeoutSeconds());
    assertTrue(settings.http().accessLog());
    assertEquals(2, settings.shutdownGraceSeconds());
    assertEquals("TANDEM_FETCHER_ALLOW_PRIVATE_NETWORKS", Overrides.envName("fetcher", "allowPrivateNetworks"));
  }

  @Test
  void theDefaultFileIsOptionalButAMissingConfFileIsAnError() {
    assertEquals("cannot read " + dir.resolve("nope.json") + ": no such file",
        error(dir.resolve("nope.json").toString(), Map.of(), NO_PROPERTIES));
  }

  @Test
  void unparseableJsonIsOneLineWithItsLocation() throws IOException {
    String file = write("bad.json", "{\n  \"http\": {\"port\": 1,}\n}");
    String message = error(file, Map.of(), NO_PROPERTIES);
    assertTrue(message.startsWith(file + " is not valid JSON: "), message);
    assertTrue(message.endsWith("(line 2, column 22)"), message);
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void theFileMustHoldAnObject() throws IOException {
    assertEquals(write("a.json", "[1]") + " must hold a JSON object, got [1]", error(dir.resolve("a.json").toString(), Map.of(), NO_PROPERTIES));
  }

  @Test
  void unlimitedClientsAreAddressesOrBlocksNeverNames() throws IOException {
    // a client is known by its address alone: "*.1" would match every address ending in .1
    String file = write("u.json", "{\"unlimitedClients\":[\"127.0.0.1\",\"*.1\"]}");
    assertEquals("unlimitedClients must be IP addresses or CIDR blocks (a client is known by its address), got [127.0.0.1, *.1]",
        error(file, Map.of(), NO_PROPERTIES));
  }

  @Test
  void aPortOutsideItsRangeNamesKeyRuleValueAndSource() throws IOException {
    assertEquals("http.port must be 0..65535, got 70000 (from TANDEM_HTTP_PORT)",
        error("{}", Map.of("TANDEM_HTTP_PORT", "70000"), NO_PROPERTIES));
    String file = write("p.json", "{\"tcp\":{\"port\":-1}}");
    assertEquals("tcp.port must be 0..65535, got -1 (from " + file + ")", error(file, Map.of(), NO_PROPERTIES));
  }

  @Test
  void aWrongTypeIsAnError() {
    assertEquals("http.port must be an integer 0..65535, got \"8080\" (from -conf)",
        error("{\"http\":{\"port\":\"8080\"}}", Map.of(), NO_PROPERTIES));
    assertEquals("http.port must be an integer 0..65535, got 80.5 (from -conf)",
        error("{\"http\":{\"port\":80.5}}", Map.of(), NO_PROPERTIES));
    assertEquals("tcp.enabled must be true or false, got \"yes\" (from TANDEM_TCP_ENABLED)",
        error("{}", Map.of("TANDEM_TCP_ENABLED", "yes"), NO_PROPERTIES));
    assertEquals("http.greeting must be a non-empty string, got 5 (from -conf)",
        error("{\"http\":{\"greeting\":5}}", Map.of(), NO_PROPERTIES));
    assertEquals("tcp must be a JSON object, got 8080 (from -conf)",
        error("{\"tcp\":8080}", Map.of(), NO_PROPERTIES));
    Properties properties = new Properties();
    properties.setProperty("tandem.tcp.maxConnections", "lots");
    assertEquals("tcp.maxConnections must be an integer 1..10000000, got \"lots\" (from -Dtandem.tcp.maxConnections)",
        error("{}", Map.of(), properties));
  }

  @Test
  void aNegativeCountIsAnError() {
    assertEquals("tcp.instances must be 1..1024, got -2 (from -conf)",
        error("{\"tcp\":{\"instances\":-2}}", Map.of(), NO_PROPERTIES));
    assertEquals("tcp.maxConnections must be 1..10000000, got -1 (from -conf)",
        error("{\"tcp\":{\"maxConnections\":-1}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void unknownSectionsKeysAndVariablesAreErrors() {
    assertEquals("fetchr is not a known section or key (in -conf); known: tcp, chat, http, fetcher, bridge, cluster, auth, tls, metrics, logging, tracing, shutdownGraceSeconds, descriptorReserve, unlimitedClients",
        error("{\"fetchr\":{}}", Map.of(), NO_PROPERTIES));
    String message = error("{\"http\":{\"prot\":1}}", Map.of(), NO_PROPERTIES);
    assertTrue(message.startsWith("http.prot is not a known key (in -conf); known keys: enabled, host, port, instances"), message);
    assertEquals("TANDEM_HTTP_PROT does not name a setting (see the configuration table in the README)",
        error("{}", Map.of("TANDEM_HTTP_PROT", "1"), NO_PROPERTIES));
    Properties properties = new Properties();
    properties.setProperty("tandem.tcp.colour", "blue");
    assertEquals("-Dtandem.tcp.colour does not name a setting (see the configuration table in the README)",
        error("{}", Map.of(), properties));
  }

  @Test
  void theMetricsPathIsAPathOfItsOwn() {
    assertEquals("/ops/metrics", load("{\"metrics\":{\"path\":\"/ops/metrics\"}}", Map.of(), NO_PROPERTIES).metrics().path());
    assertEquals("metrics.path must be a path of one or more /segments of letters, digits, '.', '_', '~' or '-', got \"metrics\"",
        error("{}", Map.of("TANDEM_METRICS_PATH", "metrics"), NO_PROPERTIES));
    assertEquals("metrics.path must be a path of one or more /segments of letters, digits, '.', '_', '~' or '-', got \"/\"",
        error("{\"metrics\":{\"path\":\"/\"}}", Map.of(), NO_PROPERTIES));
    assertEquals("metrics.path must be a path of one or more /segments of letters, digits, '.', '_', '~' or '-', got \"/m/:x\"",
        error("{\"metrics\":{\"path\":\"/m/:x\"}}", Map.of(), NO_PROPERTIES));
    assertEquals("metrics.path must not be under another endpoint's path (/fetch), got \"/fetch/metrics\"",
        error("{\"metrics\":{\"path\":\"/fetch/metrics\"}}", Map.of(), NO_PROPERTIES));
    assertEquals("metrics.path must not be under another endpoint's path (/openapi.json), got \"/openapi.json\"",
        error("{\"metrics\":{\"path\":\"/openapi.json\"}}", Map.of(), NO_PROPERTIES));
    assertEquals("metrics.path must not be under another endpoint's path (/openapi), got \"/openapi/metrics\"",
        error("{\"metrics\":{\"path\":\"/openapi/metrics\"}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void theLogFormatIsTextOrJson() {
    assertTrue(load("{}", Map.of("TANDEM_LOGGING_FORMAT", "json"), NO_PROPERTIES).logging().json());
    assertEquals("logging.format must be text or json, got \"xml\"", error("{\"logging\":{\"format\":\"xml\"}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void theLogLevelIsOneOfLogbacksLevelsInLowerCase() {
    assertEquals("debug", load("{}", Map.of("TANDEM_LOGGING_LEVEL", "debug"), NO_PROPERTIES).logging().level());
    assertEquals("logging.level must be one of error, warn, info, debug, trace, got \"DEBUG\"",
        error("{\"logging\":{\"level\":\"DEBUG\"}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void tracingIsOffUntilAnEndpointIsNamedAndTheEndpointIsAPlainBaseUrl() {
    TracingSettings off = load("{}", Map.of(), NO_PROPERTIES).tracing();
    assertFalse(off.enabled());
    assertEquals(1.0, off.sampleRatio());
    assertFalse(off.propagateToOrigins());
    TracingSettings on = load("{\"tracing\":{\"otlpEndpoint\":\"http://127.0.0.1:4318/\",\"sampleRatio\":0.25}}", Map.of(), NO_PROPERTIES).tracing();
    assertTrue(on.enabled());
    assertEquals("http://127.0.0.1:4318/v1/traces", on.tracesUrl());
    // the traces URL itself (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT's form) as it is; a compose service's name with '_'
    assertEquals("http://otel_collector:4318/v1/traces",
        load("{}", Map.of("TANDEM_TRACING_OTLP_ENDPOINT", "http://otel_collector:4318/v1/traces"), NO_PROPERTIES).tracing().tracesUrl());
    assertEquals(0.25, on.sampleRatio());
    assertEquals(0.5, load("{}", Map.of("TANDEM_TRACING_OTLP_ENDPOINT", "https://collector:4318", "TANDEM_TRACING_SAMPLE_RATIO", "0.5"),
        NO_PROPERTIES).tracing().sampleRatio());
    assertEquals("tracing.sampleRatio must be a number 0.0..1.0, got 1.5 (from -conf)", error("{\"tracing\":{\"sampleRatio\":1.5}}", Map.of(), NO_PROPERTIES));
    assertTrue(error("{}", Map.of("TANDEM_TRACING_SAMPLE_RATIO", "NaN"), NO_PROPERTIES).startsWith("tracing.sampleRatio must be a number 0.0..1.0, got NaN"));
    assertEquals("tracing.sampleRatio must be a number 0.0..1.0, got \"half\" (from TANDEM_TRACING_SAMPLE_RATIO)",
        error("{}", Map.of("TANDEM_TRACING_SAMPLE_RATIO", "half"), NO_PROPERTIES));
    for (String bad : new String[] {"127.0.0.1:4318", "ftp://collector", "http://user:secret@collector:4318",
        "http://user:secret@otel_collector:4318", "http://collector:4318?x=1", "http:///v1"}) {
      String error = error("{}", Map.of("TANDEM_TRACING_OTLP_ENDPOINT", bad), NO_PROPERTIES);
      assertTrue(error.startsWith("tracing.otlpEndpoint must be an http:// or https:// URL with a host and no user, query or fragment"), error);
    }
  }

  @Test
  void theDelayCannotExceedTheMaximumDelay() {
    assertEquals("http.delayMs must not exceed http.maxDelayMs (100), got 200",
        error("{\"http\":{\"delayMs\":200,\"maxDelayMs\":100}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void hostListsTakeNamesAddressesAndBlocksAndRejectAnythingElse() {
    TandemSettings settings = load("{\"fetcher\":{\"allowHosts\":[\"localhost\",\"*.corp.example\",\"10.0.0.0/8\",\"::1\"]}}",
        Map.of("TANDEM_FETCHER_DENY_HOSTS", "10.9.0.0/16, db.internal"), NO_PROPERTIES);
    assertEquals(4, settings.fetcher().allowHosts().size());
    assertEquals("[10.9.0.0/16, db.internal]", settings.fetcher().denyHosts().toString());
    assertEquals("fetcher.allowHosts: \"10.0.0.0/33\" is not a CIDR block: the prefix must be 0..32 (from -conf)",
        error("{\"fetcher\":{\"allowHosts\":[\"10.0.0.0/33\"]}}", Map.of(), NO_PROPERTIES));
    assertEquals("fetcher.denyHosts must be a list of non-empty strings, got [1] (from -conf)",
        error("{\"fetcher\":{\"denyHosts\":[1]}}", Map.of(), NO_PROPERTIES));
    assertEquals("fetcher.concurrency must not exceed fetcher.maxConcurrency (8), got 64",
        error("{\"fetcher\":{\"maxConcurrency\":8}}", Map.of(), NO_PROPERTIES));
  }

  @Test
  void resolvedSettingsSurviveTheRoundTripThroughVerticleConfig() {
    TandemSettings settings = load("{\"tcp\":{\"port\":0,\"instances\":2},\"http\":{\"enabled\":false}}", Map.of(), NO_PROPERTIES);
    assertEquals(settings, TandemSettings.fromJson(settings.toJson()));
  }

  @Test
  void authDefaultsToProtectedModeAndNamesOnlyKnownEndpoints() {
    AuthSettings defaults = load("{}", Map.of(), NO_PROPERTIES).auth();
    assertTrue(defaults.protectedMode());
    assertEquals(null, defaults.tokensFile());
    assertEquals(List.of("GET /", "GET /hello", "GET /ui"), defaults.publicHttp());
    assertFalse(defaults.open(), "nobody is let in by default who was not asked for");
    AuthSettings open = load("{}", Map.of("TANDEM_AUTH_PROTECTED_MODE", "false", "TANDEM_AUTH_PUBLIC_HTTP", "GET /, POST /fetch"),
        NO_PROPERTIES).auth();
    assertTrue(open.open());
    assertEquals(List.of("GET /", "POST /fetch"), open.publicHttp());
    assertFalse(load("{\"auth\":{\"protectedMode\":false,\"tokensFile\":\"t.json\"}}", Map.of(), NO_PROPERTIES).auth().open(),
        "a tokens file decides even with protected mode off");
    assertEquals("auth.publicHttp must list endpoints among GET /, GET /hello, POST /echo, POST /tcp/broadcast, POST /fetch, "
        + "POST /fetch/chain, GET /eventbus, GET /ui, GET /metrics, got \"GET /health\"",
        error("{\"auth\":{\"publicHttp\":[\"GET /health\"]}}", Map.of(), NO_PROPERTIES));
  }
}
