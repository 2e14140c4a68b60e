package io.tandem.e2e;

import io.tandem.bus.Addresses;
import io.tandem.chat.ChatLineClient;
import io.tandem.cluster.HazelcastConfigs;
import io.tandem.config.ClusterSettings;
import io.tandem.fetch.Origin;
import io.tandem.testing.Http;
import io.tandem.testing.LauncherOptions;
import io.tandem.testing.OtlpReceiver;
import io.tandem.testing.Sockets;
import io.tandem.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processes of the fat jar forming one bus through Hazelcast on loopback: a gateway (HTTP + TCP,
 * coordinating fetch batches but fetching nothing itself) and worker nodes (TCP + fetcher, no
 * HTTP, each allowed {@value #WORKER_CAP} requests at once), plus this test JVM joining as one
 * more member, the way a user's own JVM would, to talk to them over the bus. The tests that only
 * use a cluster share one; each test that adds, kills or stops a node forms a cluster of its own
 * (its own name and member ports), so no test depends on another's order or leftovers.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

  private static final Pattern NODE_LINE = Pattern.compile("Cluster node ([0-9a-f-]+) sees");
  private static final int WORKER_CAP = 4;
  private static final List<String> CLUSTER_FLAGS = LauncherOptions.clusterNames();

  private Path workDir;
  private int nodesStarted;
  private Vertx originVertx;
  private Origin origin;
  /** Gateway, worker B and this JVM as a member: for the tests that change nothing about the cluster. */
  private Cluster shared;

  @BeforeAll
  void formTheSharedCluster(@TempDir Path dir) throws Exception {
    workDir = dir;
    originVertx = Vertx.vertx();
    origin = Origin.start(originVertx);
    shared = new Cluster(true);
  }

  @AfterAll
  void leave() throws Exception {
    if (shared != null) {
      shared.close();
    }
    if (originVertx != null) {
      originVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void readyShowsThisNodeAndEveryMemberItSees() throws Exception {
    HttpResponse<String> ready = shared.gatewayHttp().get("/ready");
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject checks = byId(new JsonObject(ready.body()).getJsonArray("checks"));
    assertEquals("UP", checks.getJsonObject("fetcher").getString("status"), "the worker's fetcher answers: " + ready.body());
    JsonObject cluster = checks.getJsonObject("cluster").getJsonObject("data");
    assertEquals(nodeId(shared.gateway), cluster.getString("node"));
    List<Object> members = cluster.getJsonArray("members").getList();
    assertEquals(3, members.size(), ready.body());
    assertTrue(members.contains(nodeId(shared.workerB)), ready.body());
    assertTrue(members.contains(((VertxInternal) shared.member).clusterManager().getNodeId()), ready.body());
    String scrape = shared.gatewayHttp().get("/metrics").body();
    assertTrue(scrape.lines().anyMatch(line -> line.equals("tandem_cluster_members 3.0")), scrape);
  }
  @Test
  void aFetchThroughTheGatewayIsDoneByTheWorkerNode() throws Exception {
    JsonObject reply = shared.fetch(List.of(origin.url("/status/200"), origin.url("/bytes/5")), 2);
    assertEquals(2, reply.getInteger("succeeded"), reply.encode());
    assertEquals("status body", reply.getJsonArray("results").getJsonObject(0).getString("body"), reply.encode());

    // streamed in completion order: the slow first URL's line comes last, then the summary
    String batch = new JsonObject().put("urls", new JsonArray().add(origin.url("/delay/800")).add(origin.url("/status/200"))).encode();
    Http http = shared.gatewayHttp();
    String streamed = http.send(http.request("/fetch").header("Content-Type", "application/json")
        .header("Accept", "application/x-ndjson").POST(java.net.http.HttpRequest.BodyPublishers.ofString(batch)).build()).body();
    List<JsonObject> lines = streamed.lines().map(JsonObject::new).toList();
    assertEquals(3, lines.size(), streamed);
    assertEquals(1, lines.get(0).getInteger("index"), streamed);
    assertEquals(0, lines.get(1).getInteger("index"), streamed);
    assertEquals(2, lines.get(2).getJsonObject("summary").getInteger("succeeded"), streamed);

    // a chain is fetching too: the gateway leaves it to the worker, whose hops stream back across the cluster
    String chain = new JsonObject().put("url", origin.url("/chain/0?n=2")).encode();
    String hops = http.send(http.request("/fetch/chain").header("Content-Type", "application/json")
        .header("Accept", "application/x-ndjson").POST(java.net.http.HttpRequest.BodyPublishers.ofString(chain)).build()).body();
    List<JsonObject> hopLines = hops.lines().map(JsonObject::new).toList();
    assertEquals(3, hopLines.size(), hops);
    assertEquals(origin.url("/chain/1?n=2"), hopLines.get(1).getString("url"), hops);
    assertEquals("no-next", hopLines.get(2).getJsonObject("summary").getString("stoppedBecause"), hops);
  }
  @Test
  void oneFetchOverTheClusterIsOneTraceAndTheLogLinesOfEachNodeCarryIt() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
         Cluster cluster = new Cluster(false, Map.of("TANDEM_TRACING_OTLP_ENDPOINT", receiver.endpoint(),
             "TANDEM_LOGGING_FORMAT", "json", "TANDEM_HTTP_ACCESS_LOG", "true",
             "TANDEM_LOGGING_LEVEL", "debug"), new EventBusOptions())) {
      JsonObject reply = cluster.fetch(List.of(origin.url("/inspect")), 1);
      assertEquals(1, reply.getInteger("succeeded"), reply.encode());
      JsonObject seen = new JsonObject(reply.getJsonArray("results").getJsonObject(0).getString("body"));
      assertNull(seen.getJsonObject("headers").getString("traceparent"), "no trace id leaves for the origin: " + seen);

      String toWorker = Addresses.FETCH_URL_NODE + nodeId(cluster.workerB);
      // each process exports its spans as they end, a parent after its children: wait for the last of each
      List<OtlpReceiver.Span> spans = receiver.await(all -> all.stream().anyMatch(span -> origin.url("/inspect").equals(span.attribute("url.full")))
          && all.stream().anyMatch(span -> span.kind().equals("SERVER") && toWorker.equals(span.attribute("messaging.destination.name")))
          && all.stream().anyMatch(span -> "/fetch".equals(span.attribute("url.path"))), 30);
      OtlpReceiver.Span server = onlySpan(spans, span -> span.kind().equals("SERVER") && "/fetch".equals(span.attribute("url.path")));
      String trace = server.traceId();
      List<OtlpReceiver.Span> ofTrace = spans.stream().filter(span -> span.traceId().equals(trace)).toList();
      System.out.println("the trace of one clustered /fetch, as the receiver got it:\n" + OtlpReceiver.tree(ofTrace));
      // HTTP server -> bus send -> the coordinator -> the job's send -> the worker node -> the origin
      OtlpReceiver.Span send = onlySpan(ofTrace, span -> span.kind().equals("CLIENT") && Addresses.FETCH.equals(span.attribute("messaging.destination.name")));
      OtlpReceiver.Span coordinate = onlySpan(ofTrace, span -> span.kind().equals("SERVER") && Addresses.FETCH.equals(span.attribute("messaging.destination.name")));
      OtlpReceiver.Span job = onlySpan(ofTrace, span -> span.kind().equals("CLIENT") && toWorker.equals(span.attribute("messaging.destination.name")));
      OtlpReceiver.Span onWorker = onlySpan(ofTrace, span -> span.kind().equals("SERVER") && toWorker.equals(span.attribute("messaging.destination.name")));
      OtlpReceiver.Span outgoing = onlySpan(ofTrace, span -> span.kind().equals("CLIENT") && origin.url("/inspect").equals(span.attribute("url.full")));
      assertEquals(server.spanId(), send.parentSpanId());
      assertEquals(send.spanId(), coordinate.parentSpanId());
      assertEquals(coordinate.spanId(), job.parentSpanId());
      assertEquals(job.spanId(), onWorker.parentSpanId());
      assertEquals(onWorker.spanId(), outgoing.parentSpanId());
      assertEquals(server.instance(), job.instance(), "the gateway sends the job");
      assertNotEquals(server.instance(), onWorker.instance(), "another process takes it");
      assertEquals(onWorker.instance(), outgoing.instance());

      // the gateway's access line and batch line, and the worker's line for the URL: one trace id
      String access = cluster.gateway.awaitStdout(line -> line.contains(trace) && new JsonObject(line).getString("loggerName").equals("io.tandem.http.access"));
      String batch = cluster.gateway.awaitStdout(line -> line.contains(trace) && new JsonObject(line).getString("loggerName").endsWith(".Batch"));
      String url = cluster.workerB.awaitStdout(line -> line.contains(trace) && new JsonObject(line).getString("loggerName").endsWith(".FetchingSide"));
      System.out.println("log lines of that request:\n" + access + "\n" + batch + "\n" + url);
      for (String line : List.of(access, batch, url)) {
        assertEquals(trace, new JsonObject(line).getJsonObject("mdc").getString("traceId"), line);
      }
      assertTrue(access.contains("\"path\":\"\\/fetch\""), access);
      assertTrue(batch.contains("\"batch\":") && url.contains("\"batch\":"), batch + "\n" + url);
    }
  }

  @Test
  void aBroadcastReachesTheTcpClientsOfEveryNode() throws Exception {
    try (Socket onGateway = Sockets.connect(shared.gateway.port("TCP echo"));
         Socket onWorker = Sockets.connect(shared.workerB.port("TCP echo"))) {
      // an echo back means the connection is accepted and counted among its node's clients
      assertEquals("first\n", Sockets.roundTrip(onGateway, "first\n"));
      assertEquals("first\n", Sockets.roundTrip(onWorker, "first\n"));
      HttpResponse<String> response = shared.gatewayHttp().postJson("/tcp/broadcast", "{\"text\":\"to every node\"}");
      assertEquals(202, response.statusCode(), response.body());
      assertEquals("to every node", Sockets.readLine(onGateway.getInputStream()));
      assertEquals("to every node", Sockets.readLine(onWorker.getInputStream()));
    }
  }
  @Test
  void aSendReachesTheConnectionOnWhicheverNodeHoldsIt() throws Exception {
    BlockingQueue<JsonObject> events = new ArrayBlockingQueue<>(16);
    MessageConsumer<JsonObject> consumer = shared.member.eventBus().consumer(Addresses.TCP_CONNECTIONS, message -> events.add(message.body()));
    consumer.completion().await(30, TimeUnit.SECONDS);
    try (Socket onWorker = Sockets.connect(shared.workerB.port("TCP echo"))) {
      // the event of this socket, not of another test's going away
      String remote = "127.0.0.1:" + onWorker.getLocalPort();
      JsonObject connected;
      do {
        connected = events.poll(30, TimeUnit.SECONDS);
        assertNotNull(connected, "no connected event for " + remote + " reached this member");
      } while (!connected.getString("type").equals("connected") || !connected.getString("remote").equals(remote));
      String id = connected.getString("connection");
      // both nodes serve tandem.tcp.send, one instance each, and the bus takes turns: half of
      // these land on the gateway, which hands them to the worker
      for (int i = 0; i < 4; i++) {
        JsonObject sent = (JsonObject) shared.member.eventBus().request(Addresses.TCP_SEND, new JsonObject().put("connection", id).put("text", "line " + i))
            .await(30, TimeUnit.SECONDS).body();
        assertEquals(true, sent.getBoolean("ok"));
      }
      for (int i = 0; i < 4; i++) {
        assertEquals("line " + i, Sockets.readLine(onWorker.getInputStream()));
      }
      ReplyException unknown = assertThrows(ReplyException.class, () -> shared.member.eventBus()
          .request(Addresses.TCP_SEND, new JsonObject().put("connection", "000000000000-1").put("text", "x"))
          .await(30, TimeUnit.SECONDS));
      assertEquals(404, unknown.failureCode(), unknown.getMessage());
    } finally {
      consumer.unregister().await(30, TimeUnit.SECONDS);
    }
  }
  /**
   * Three terminal clients, two on the gateway (one of them the real {@code chat} client) and one
   * on the worker, chat in two rooms; a private message and a nickname clash cross nodes; a client
   * on the worker joins a room while this member says numbered lines in it, which land on either
   * node: the replay and the live lines are every line from some point on, each once. (Lines said
   * through different nodes may cross on the way: one node's lines keep their order.)
   */
  @Test
  void terminalClientsOnTwoNodesChatInRoomsAndPrivatelyWithOneNicknameEachAcrossTheCluster() throws Exception {
    int gatewayChat = shared.gateway.port("Chat");
    int workerChat = shared.workerB.port("Chat");
    try (ChatLineClient ada = ChatLineClient.as(gatewayChat, "ada");
         ChatLineClient bob = ChatLineClient.as(workerChat, "bob");
         TandemProcess carol = TandemProcess.start(workDir, Map.of(), "chat", "--port", Integer.toString(gatewayChat), "--nick", "carol")) {
      ada.await("* bob joined #general");
      ada.await("* carol joined #general");
      bob.send("hello from the worker");
      ada.await("[#general] bob: hello from the worker");
      carol.awaitStdout(line -> line.equals("[#general] bob: hello from the worker"));

      ada.send("/join #ops");
      ada.await("* end of history");
      bob.send("/join #ops");
      bob.await("* end of history");
      ada.await("* bob joined #ops");
      ada.send("for ops only");
      bob.await("[#ops] ada: for ops only");
      carol.stdin().write("hi all\n".getBytes(StandardCharsets.UTF_8));
      carol.stdin().flush();
      bob.await("[#general] carol: hi all");
      ada.await("[#general] carol: hi all");

      bob.send("/msg carol psst");
      bob.await("[private to carol] psst");
      carol.awaitStdout(line -> line.equals("[private] bob: psst"));
      try (ChatLineClient impostor = ChatLineClient.connect(workerChat)) {
        impostor.send("/nick CAROL");
        impostor.await("ERR nick-in-use CAROL is taken");
      }
      bob.send("/who #general");
      bob.await("* #general: ada, bob, carol");

      // numbered lines from this member, each said through whichever node's chat the bus picks
      bob.send("/part #ops");
      bob.await("* you left #ops; you talk in #general");
      int total = 300;
      CompletableFuture<Void> said = CompletableFuture.runAsync(() -> {
        for (int n = 1; n <= total; n++) {
          try {
            shared.member.eventBus().request(Addresses.CHAT_SEND, new JsonObject().put("room", "#ops").put("from", "pump")
                .put("text", "line " + n)).await(30, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException("line " + n + " was not said", e);
          }
        }
      });
      ada.await("[#ops] pump: line 30");
      bob.send("/join #ops");
      List<Integer> seen = numbered(bob.await("* end of history"));
      assertFalse(seen.isEmpty(), "the history had lines to replay");
      List<Integer> live = numbered(bob.await("[#ops] pump: line " + total));
      assertFalse(live.isEmpty(), "lines still came live after the join");
      seen.addAll(live);
      seen.add(total);
      said.get(60, TimeUnit.SECONDS);
      // each once; in order but where two nodes said consecutive lines within the same moment
      assertEquals(IntStream.rangeClosed(seen.stream().min(Integer::compare).orElseThrow(), total).boxed().toList(),
          seen.stream().sorted().toList(), seen.toString());
      assertFalse(carol.stdout().stream().anyMatch(line -> line.contains("#ops")), "carol is in no room but #general");

      carol.stdin().write("quit\n".getBytes(StandardCharsets.UTF_8));
      carol.stdin().flush();
      assertEquals(0, carol.exitCode(), carol.stderr().toString());
      ada.await("* carol left #general");
    }
    shared.gateway.assertNoBlockedEventLoop();
    shared.workerB.assertNoBlockedEventLoop();
  }

  private static List<Integer> numbered(List<String> lines) {
    List<Integer> numbers = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("[#ops] pump: line ")) {
        numbers.add(Integer.parseInt(line.substring("[#ops] pump: line ".length())));
      }
    }
    return numbers;
  }

  @Test
  void withClusterTlsOnlyNodesWithTheCertificateReachTheBus() throws Exception {
    TestCertificates.Pair certificate = TestCertificates.selfSigned(workDir, "cluster-node");
    Map<String, String> tls = Map.of("TANDEM_CLUSTER_TLS", "true",
        "TANDEM_TLS_CERT_FILE", certificate.cert().toString(), "TANDEM_TLS_KEY_FILE", certificate.key().toString());
    // this JVM joins as a user's would: the nodes' certificate, trusting it, showing it
    EventBusOptions mutualTls = new EventBusOptions().setHost("127.0.0.1").setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certificate.cert().toString()).setKeyPath(certificate.key().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(certificate.cert().toString()));
    try (Cluster cluster = new Cluster(true, tls, mutualTls)) {
      // the gateway fetches nothing itself: the batch goes to worker B and its result comes back over TLS
      assertEquals(1, cluster.fetch(List.of(origin.url("/status/200")), 1).getInteger("succeeded"));
      assertEquals("over tls", cluster.member.eventBus().request(Addresses.ECHO, "over tls").await(30, TimeUnit.SECONDS).body());

      // a member in clear, or speaking TLS with a certificate of its own (trusting anyone), joins
      // Hazelcast (which has no TLS), but nothing it sends reaches a node
      TestCertificates.Pair its = TestCertificates.selfSigned(Files.createTempDirectory(workDir, "stranger"), "stranger");
      EventBusOptions inClear = new EventBusOptions().setHost("127.0.0.1");
      EventBusOptions ownCertificate = new EventBusOptions().setHost("127.0.0.1").setSsl(true).setTrustAll(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(its.cert().toString()).setKeyPath(its.key().toString()));
      for (EventBusOptions strangersBus : List.of(inClear, ownCertificate)) {
        ClusterSettings strangers = new ClusterSettings(cluster.name, "127.0.0.1", 0, null, -1, freePort(),
            cluster.members(), hazelcastXml(), false, null);
        Vertx stranger = Vertx.builder().with(new VertxOptions().setEventBusOptions(strangersBus))
            .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.of(strangers)))
            .buildClustered().await(60, TimeUnit.SECONDS);
        try {
          assertEquals(4, ((VertxInternal) stranger).clusterManager().getNodes().size(), "it joined Hazelcast");
          DeliveryOptions shortWait = new DeliveryOptions().setSendTimeout(3000);
          assertThrows(ReplyException.class,
              () -> stranger.eventBus().request(Addresses.ECHO, "from a stranger", shortWait).await(30, TimeUnit.SECONDS),
              strangersBus.isSsl() ? "TLS with an untrusted certificate" : "in clear");
        } finally {
          stranger.close().await(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void aSecondWorkerNodeDoublesWhatABatchHasInFlight() throws Exception {
    try (Cluster cluster = new Cluster(false)) {
      List<String> urls = Collections.nCopies(4 * WORKER_CAP, origin.url("/delay/1000"));
      origin.resetMaxInFlight();
      assertEquals(urls.size(), cluster.fetch(urls, urls.size()).getInteger("succeeded"));
      assertEquals(WORKER_CAP, origin.maxInFlight(), "one worker node, " + WORKER_CAP + " at a time");

      cluster.workerC = cluster.startWorker(2);
      awaitMembers(cluster.gateway, 3);
      cluster.assertBothWorkersTakeWork("two worker nodes, twice as many at a time");

      // politeness is the batch's coordinator's: it holds over both worker nodes, not per node
      List<String> polite = Collections.nCopies(40, origin.url("/delay/100"));
      origin.resetMaxInFlight();
      JsonObject reply = cluster.fetchAsync(polite, 40, new JsonObject().put("perHost", new JsonObject().put("concurrency", 2)))
          .get(60, TimeUnit.SECONDS);
      assertEquals(40, reply.getInteger("succeeded"), reply.encode());
      assertEquals(2, origin.maxInFlight(), "perHost.concurrency 2 over two worker nodes: 2 at the origin at a time");
    }
  }

  @Test
  void aWorkerKilledMidBatchHasItsUrlsRetriedElsewhereAndRejoinsWhenRestarted() throws Exception {
    try (Cluster cluster = new Cluster(false)) {
      BatchInFlight batch = cluster.withWorkerC().aBatchInFlightOnBothWorkers();
      String killed = nodeId(cluster.workerC);
      // a chat client on the node about to die holds a nickname; one on the gateway watches
      ChatLineClient doomed = ChatLineClient.as(cluster.workerC.port("Chat"), "doomed");
      ChatLineClient watcher = ChatLineClient.as(cluster.gateway.port("Chat"), "watcher");
      cluster.workerC.close();

      batch.assertAllSucceeded();
      assertEquals(batch.size + WORKER_CAP, batch.requestsSince(), "the killed node's URLs were fetched once more");
      cluster.gateway.awaitStdout(line -> line.contains("Cluster node " + killed + " left"));
      // the survivors free what the dead node's clients held, and say so once
      watcher.await("* doomed left #general");
      watcher.send("/nick doomed");
      watcher.await("* you are doomed");
      watcher.close();
      doomed.close();

      cluster.workerC = cluster.startWorker(2);
      cluster.assertBothWorkersTakeWork("the restarted node takes work again");
    }
  }

  @Test
  void aWorkerStoppedWithSigtermFinishesItsUrlsThenLeaves() throws Exception {
    try (Cluster cluster = new Cluster(false)) {
      BatchInFlight batch = cluster.withWorkerC().aBatchInFlightOnBothWorkers();
      String stopped = nodeId(cluster.workerC);
      cluster.workerC.terminate();

      batch.assertAllSucceeded();
      assertEquals(batch.size, batch.requestsSince(), "nothing was fetched twice");
      assertEquals(0, cluster.workerC.exitCode());
      cluster.gateway.awaitStdout(line -> line.contains("Cluster node " + stopped + " left"));
    }
  }

  @Test
  void withEveryWorkerGoneFetchAndReadyAre503UntilOneRejoins() throws Exception {
    try (Cluster cluster = new Cluster(false)) {
      String lastWorker = nodeId(cluster.workerB);
      cluster.workerB.close();
      cluster.gateway.awaitStdout(line -> line.contains("Cluster node " + lastWorker + " left"));

      String batch = "{\"urls\":[\"" + origin.url("/status/200") + "\"]}";
      String error = Http.assertError(503, cluster.gatewayHttp().postJson("/fetch", batch));
      assertTrue(error.contains("no fetcher instance"), error);
      HttpResponse<String> notReady = cluster.gatewayHttp().get("/ready");
      assertEquals(503, notReady.statusCode(), notReady.body());
      assertTrue(new JsonObject(notReady.body()).getString("error").contains("fetcher"), notReady.body());

      cluster.workerB = cluster.startWorker(1);
      cluster.workerB.awaitStdout(line -> line.contains("Tandem ready in "));
      assertEquals(1, cluster.fetch(List.of(origin.url("/status/200")), 1).getInteger("succeeded"));
      assertEquals(200, cluster.gatewayHttp().get("/ready").statusCode());
    }
  }

  /**
   * One cluster of this test class: its own name and member ports (so nodes of another never join
   * it), a gateway, worker B, and when asked this JVM as a member.
   */
  private final class Cluster implements AutoCloseable {
    final String name = "tandem-it-" + UUID.randomUUID();
    final int[] memberPorts = new int[4];
    TandemProcess gateway;
    TandemProcess workerB;
    TandemProcess workerC;
    Vertx member;

    /** What every node of this cluster is started with besides its role. */
    final Map<String, String> nodeEnv;

    Cluster(boolean withMember) throws Exception {
      this(withMember, Map.of(), new EventBusOptions());
    }

    /** @param memberBus the event bus options of this JVM as a member */
    Cluster(boolean withMember, Map<String, String> nodeEnv, EventBusOptions memberBus) throws Exception {
      this.nodeEnv = nodeEnv;
      for (int i = 0; i < memberPorts.length; i++) {
        memberPorts[i] = freePort();
      }
      gateway = startNode(memberPorts[0], Map.of("TANDEM_FETCHER_WORKER", "false"));
      workerB = startWorker(1);
      if (withMember) {
        ClusterSettings mine = new ClusterSettings(name, "127.0.0.1", 0, null, -1, memberPorts[3], members(), hazelcastXml(), false, null);
        member = Vertx.builder().with(new VertxOptions().setEventBusOptions(memberBus))
            .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.of(mine)))
            .buildClustered().await(60, TimeUnit.SECONDS);
      }
      gateway.awaitStdout(line -> line.contains("Tandem ready in "));
      workerB.awaitStdout(line -> line.contains("Tandem ready in "));
      // whichever came up last, the gateway has seen them all by the time it logs their number
      awaitMembers(gateway, withMember ? 3 : 2);
    }

    /** @param slot which of this cluster's member ports the worker takes (1: B, 2: C) */
    TandemProcess startWorker(int slot) throws IOException {
      return startNode(memberPorts[slot], Map.of(
          "TANDEM_HTTP_ENABLED", "false",
          "TANDEM_FETCHER_INSTANCES", "1",
          "TANDEM_FETCHER_MAX_CONCURRENCY", Integer.toString(WORKER_CAP),
          "TANDEM_FETCHER_CONCURRENCY", Integer.toString(WORKER_CAP),
          "TANDEM_FETCHER_ALLOW_HOSTS", "127.0.0.1"));
    }

    /**
     * Each node starts with the next of the launcher's names for {@code -cluster}, so every name is
     * seen to join this test's cluster through Tandem's configuration (its name, its TCP-IP members).
     */
    private TandemProcess startNode(int memberPort, Map<String, String> roles) throws IOException {
      Map<String, String> env = new HashMap<>(roles);
      env.putAll(nodeEnv);
      env.put("TANDEM_CLUSTER_NAME", name);
      env.put("TANDEM_CLUSTER_MEMBER_PORT", Integer.toString(memberPort));
      env.put("TANDEM_CLUSTER_MEMBERS", String.join(",", members()));
      env.put("TANDEM_CLUSTER_HAZELCAST_CONFIG", hazelcastXml());
      env.put("TANDEM_TCP_INSTANCES", "1");
      String clusterFlag = CLUSTER_FLAGS.get(nodesStarted++ % CLUSTER_FLAGS.size());
      return TandemProcess.start(workDir, env, clusterFlag, "-conf",
          "{\"chat\":{\"host\":\"127.0.0.1\",\"port\":0},\"tcp\":{\"host\":\"127.0.0.1\",\"port\":0},\"http\":{\"host\":\"127.0.0.1\",\"port\":0},\"bridge\":{\"tcpPort\":0}}");
    }

    private List<String> members() {
      return Arrays.stream(memberPorts).mapToObj(port -> "127.0.0.1:" + port).toList();
    }

    Http gatewayHttp() throws InterruptedException {
      return new Http(gateway.port("HTTP"));
    }

    JsonObject fetch(List<String> urls, int concurrency) throws Exception {
      return fetchAsync(urls, concurrency).get(60, TimeUnit.SECONDS);
    }

    CompletableFuture<JsonObject> fetchAsync(List<String> urls, int concurrency) throws Exception {
      return fetchAsync(urls, concurrency, new JsonObject());
    }

    /** @param more other fields of the request */
    CompletableFuture<JsonObject> fetchAsync(List<String> urls, int concurrency, JsonObject more) throws Exception {
      String body = more.copy().put("urls", new JsonArray(urls)).put("concurrency", concurrency).put("body", "text").encode();
      Http http = gatewayHttp();
      return http.sendAsync(http.request("/fetch").header("Content-Type", "application/json")
              .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build())
          .thenApply(response -> {
            assertEquals(200, response.statusCode(), response.body());
            return new JsonObject(response.body());
          });
    }

    /** This cluster with worker C started and taking work. */
    Cluster withWorkerC() throws Exception {
      workerC = startWorker(2);
      assertBothWorkersTakeWork("worker C takes work");
      return this;
    }

    /** A batch of twice a worker's cap, once all of it has reached the origin: half on each worker. */
    BatchInFlight aBatchInFlightOnBothWorkers() throws Exception {
      List<String> urls = Collections.nCopies(2 * WORKER_CAP, origin.url("/delay/1500"));
      origin.clearArrivals();
      int before = origin.requestCount();
      CompletableFuture<JsonObject> reply = fetchAsync(urls, urls.size());
      origin.awaitRequests(urls.size());
      return new BatchInFlight(reply, urls.size(), before);
    }

    /** Once worker C is ready, a batch has both workers' caps' worth in flight. */
    void assertBothWorkersTakeWork(String why) throws Exception {
      workerC.awaitStdout(line -> line.contains("Tandem ready in "));
      // each worker's share takes two rounds of a second: time enough to overlap a node's cold start
      List<String> urls = Collections.nCopies(4 * WORKER_CAP, origin.url("/delay/1000"));
      origin.resetMaxInFlight();
      assertEquals(urls.size(), fetch(urls, urls.size()).getInteger("succeeded"));
      assertEquals(2 * WORKER_CAP, origin.maxInFlight(), why);
    }

    @Override
    public void close() throws Exception {
      // this JVM's member leaves first, from a cluster whose nodes are all there: left last, its
      // Hazelcast once spent the whole timeout migrating partitions to members killed a moment before
      if (member != null) {
        member.close().await(30, TimeUnit.SECONDS);
      }
      for (TandemProcess node : new TandemProcess[] {gateway, workerB, workerC}) {
        if (node != null) {
          node.close();
        }
      }
    }
  }

  private final class BatchInFlight {
    final CompletableFuture<JsonObject> reply;
    final int size;
    final int requestsBefore;

    BatchInFlight(CompletableFuture<JsonObject> reply, int size, int requestsBefore) {
      this.reply = reply;
      this.size = size;
      this.requestsBefore = requestsBefore;
    }

    void assertAllSucceeded() throws Exception {
      JsonObject result = reply.get(60, TimeUnit.SECONDS);
      assertEquals(size, result.getInteger("succeeded"), result.encode());
    }

    int requestsSince() {
      return origin.requestCount() - requestsBefore;
    }
  }

  private static String hazelcastXml() {
    return Path.of("conf", "cluster.xml").toAbsolutePath().toString();
  }

  private static void awaitMembers(TandemProcess node, int count) throws InterruptedException {
    node.awaitStdout(line -> line.matches(".*Cluster node .* (sees|joined;) " + count + " members.*"));
  }

  private static String nodeId(TandemProcess node) throws InterruptedException {
    Matcher matcher = NODE_LINE.matcher(node.awaitStdout(line -> NODE_LINE.matcher(line).find()));
    assertTrue(matcher.find());
    return matcher.group(1);
  }

  private static OtlpReceiver.Span onlySpan(List<OtlpReceiver.Span> spans, java.util.function.Predicate<OtlpReceiver.Span> which) {
    List<OtlpReceiver.Span> found = spans.stream().filter(which).toList();
    assertEquals(1, found.size(), OtlpReceiver.tree(spans));
    return found.get(0);
  }

  private static JsonObject byId(JsonArray checks) {
    JsonObject byId = new JsonObject();
    checks.forEach(check -> byId.put(((JsonObject) check).getString("id"), check));
    return byId;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
