package io.tandem.chat;

import io.tandem.bus.Addresses;
import io.tandem.testing.Sockets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatVerticleTest {

  @Test
  void clientsTalkInRoomsAndPrivatelyAndSeeWhoIsThere(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject()).port();
    try (ChatLineClient ada = ChatLineClient.as(port, "ada");
         ChatLineClient bob = ChatLineClient.as(port, "bob")) {
      ada.await("* bob joined #general");
      ada.send("hello bob");
      ada.await("[#general] ada: hello bob");
      bob.await("[#general] ada: hello bob");

      bob.send("/join #random", "only here");
      bob.await("* end of history");
      bob.await("[#random] bob: only here");
      ada.send("/who #random", "/rooms");
      ada.await("* #random: bob");
      ada.await("* rooms: #general (2), #random (1)");

      ada.send("/msg bob psst", "/msg nobody x");
      ada.await("[private to bob] psst");
      ada.await("ERR no-such-nick nobody");
      bob.await("[private] ada: psst");

      bob.send("/part #random", "/who");
      bob.await("* you left #random; you talk in #general");
      bob.await("* #general: ada, bob");
      // bob talked in #random: ada, in #general only, never saw it
      ada.send("still here");
      assertTrue(ada.await("[#general] ada: still here").stream().noneMatch(line -> line.contains("only here")));
    }
  }

  @Test
  void aNicknameIsOneWithoutRegardToCaseAndFreeOnceItsClientHasLeft(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject()).port();
    try (ChatLineClient bob = ChatLineClient.as(port, "bob")) {
      ChatLineClient ada = ChatLineClient.as(port, "Ada");
      bob.send("/nick ADA");
      bob.await("ERR nick-in-use ADA is taken");
      ada.send("/nick ada"); // the same nickname, spelt otherwise: hers to change
      ada.await("* you are ada");
      bob.await("* Ada is now known as ada in #general");
      ada.close();
      bob.await("* ada left #general");
      bob.send("/nick Ada");
      bob.await("* you are Ada");
    }
  }

  /**
   * A sender says 2,000 numbered lines in a row (history 30 lines, so the ring wraps many times)
   * and a client joins once 50 are said: what it gets, the replay and then the live lines, is
   * every line from some point on, each once, in order.
   */
  @Test
  void aJoinReplaysTheHistoryThenGoesLiveWithNothingLostOrDoubledWhileLinesRaceIt(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("historyLines", 30).put("replayOnJoin", 20)).port();
    int total = 2000;
    try (ChatLineClient watcher = ChatLineClient.as(port, "watcher");
         ChatLineClient early = ChatLineClient.as(port, "early")) {
      early.send("/join #race");
      early.await("* end of history");
      CompletableFuture<Void> said = sayNumbered(vertx, "#race", 1, total);
      early.await("[#race] pump: line 50");
      watcher.send("/join #race");
      List<String> replayed = watcher.await("* end of history");
      List<Integer> seen = numbers(replayed);
      List<String> live = watcher.await(line -> line.equals("[#race] pump: line " + total));
      seen.addAll(numbers(live));
      seen.add(total);
      said.get(30, TimeUnit.SECONDS);
      int first = seen.get(0);
      List<Integer> expected = new ArrayList<>();
      for (int n = first; n <= total; n++) {
        expected.add(n);
      }
      assertEquals(expected, seen, "replayed " + replayed.size() + " lines");
      assertTrue(numbers(replayed).size() > 0 && numbers(replayed).size() <= 20, "joined mid-stream, at most replayOnJoin replayed: " + replayed);
      assertTrue(numbers(live).size() > 0, "lines still came live after the join");
    }
  }

  @Test
  void historyIsReplayedToLaterJoinersAndOnRequest(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("replayOnJoin", 3)).port();
    sayNumbered(vertx, "#general", 1, 5).get(10, TimeUnit.SECONDS);
    try (ChatLineClient late = ChatLineClient.connect(port)) {
      late.send("/nick late");
      late.await("* you are late");
      assertEquals(List.of("[#general] pump: line 3", "[#general] pump: line 4", "[#general] pump: line 5"),
          late.await("* end of history"));
      late.await("* late joined #general");
      late.send("/history 5");
      assertEquals(5, late.await("* end of history").size());
      late.send("/history 0");
      late.await("ERR bad-args /history [N], N 1..200");
    }
  }

  @Test
  void aRoomGoesWithItsHistoryWhenItsLastClientLeavesAndNoMoreThanMaxRoomsExist(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("maxRooms", 2)).port();
    try (ChatLineClient ada = ChatLineClient.as(port, "ada")) {
      ada.send("/join #a", "said in a");
      ada.await("[#a] ada: said in a");
      ada.send("/join #b");
      ada.await("ERR too-many-rooms the chat has chat.maxRooms rooms; join one of them (/rooms)");
      ada.send("/part #a", "/join #b");
      ada.await("* you left #a; you talk in #general");
      ada.await("* end of history");
      ada.send("/part #b", "/join #a");
      ada.await("* you left #b; you talk in #general");
      assertEquals(List.of(), ada.await("* end of history"), "#a was made anew, without what was said in it before");
      // the bus may speak where no chat client is; such a room makes way for one a client joins
      ada.send("/part #a");
      ada.await("* you left #a; you talk in #general");
      vertx.eventBus().request(Addresses.CHAT_SEND, new JsonObject().put("room", "#busonly").put("from", "pump").put("text", "x"))
          .await(10, TimeUnit.SECONDS);
      ada.send("/join #c");
      ada.await("* end of history");
    }
  }

  @Test
  void wrongLinesAreAnsweredAndTheConnectionGoesOn(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("maxLineBytes", 64).put("maxLinesPerSecond", 1000)).port();
    try (ChatLineClient client = ChatLineClient.connect(port)) {
      client.send("hello?");
      client.await("ERR no-nick choose a nickname first: /nick NAME");
      client.send("/nick no spaces");
      client.await("ERR bad-nick a nickname is 1..32 of A-Z, a-z, 0-9, _ and -");
      client.send("/nick eve");
      client.await("* you are eve");
      client.send("x".repeat(65));
      client.await("ERR line-too-long lines are at most 64 bytes");
      client.sendBytes(new byte[] {'b', 'a', 'd', (byte) 0xC3, '(', '\n'});
      client.await("ERR not-utf8 lines must be UTF-8");
      client.send("/foo", "/join general", "\u001b[2J clear screen");
      client.await("ERR unknown-command /foo (/help for the commands)");
      client.await("ERR bad-room a room is # and 1..32 of a-z, 0-9, _ and -");
      client.await("ERR bad-text control character U+001B");
      client.send("/part", "anyone?", "/join #back", "//slash first");
      client.await("* you left #general");
      client.await("ERR no-room join a room first: /join #room");
      client.await("* end of history");
      client.await("[#back] eve: /slash first");
    }
  }

  @Test
  void linesOverTheRateAreRefusedWithOneNoticeASecond(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("maxLinesPerSecond", 5)).port();
    try (ChatLineClient client = ChatLineClient.as(port, "fast")) {
      client.await("* fast joined #general");
      String[] burst = new String[20];
      for (int i = 0; i < burst.length; i++) {
        burst[i] = "burst " + i;
      }
      client.send(burst);
      client.send("/help"); // over the rate too
      client.await("ERR slow-down more than 5 lines a second: lines refused");
      // what the burst said was published before the refusal was written: a line published now comes after it
      sayNumbered(vertx, "#general", 1, 1).get(10, TimeUnit.SECONDS);
      List<String> said = client.await("[#general] pump: line 1");
      said.removeIf(line -> !line.startsWith("[#general] fast: "));
      // a second's allowance is 5 lines, /nick took one: 4 said (5 if the clock gave one back meanwhile)
      assertTrue(said.size() == 4 || said.size() == 5, said.toString());
      for (int i = 0; i < said.size(); i++) {
        assertEquals("[#general] fast: burst " + i, said.get(i));
      }
    }
  }

  @Test
  void aClientThatEndsItsInputGetsEveryAnswerThenTheClose(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject()).port();
    try (ChatLineClient client = ChatLineClient.connect(port)) {
      client.send("/nick brief", "/who", "bye all");
      client.endInput();
      List<String> rest = client.readToEnd();
      assertTrue(rest.contains("* #general: brief"), rest.toString());
      assertTrue(rest.contains("[#general] brief: bye all"), rest.toString());
    }
  }

  /**
   * 10,000 lines go through a room where one client never reads: it is closed after the grace,
   * and a reader in the same room gets every line.
   */
  @Test
  void aClientThatNeverReadsIsClosedAndHoldsNoOneBack(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("maxQueuedBytes", 16_384).put("slowClientGraceSeconds", 1)).port();
    Socket stalled = new Socket();
    try (ChatLineClient reader = ChatLineClient.as(port, "reader")) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      stalled.getOutputStream().write("/nick stalled\n".getBytes(StandardCharsets.UTF_8));
      reader.await("* stalled joined #general");
      int total = 10_000;
      // 2 MB through the room: far more than the kernel's buffers could take for it, however they grow
      String tail = " " + "x".repeat(200);
      CompletableFuture<Void> said = sayNumbered(vertx, "#general", 1, total, tail);
      for (int n = 1; n <= total; n++) {
        reader.await("[#general] pump: line " + n + tail);
      }
      said.get(30, TimeUnit.SECONDS);
      // the server cut it off: reading ends (a reset, or the end of what reached it), far short of 10,000 lines
      stalled.setSoTimeout(20_000);
      String got = Sockets.readUntilCutOff(stalled);
      long lines = got.lines().filter(line -> line.startsWith("[#general] pump:")).count();
      assertTrue(lines < total / 2, lines + " lines reached the client that never read");
    } finally {
      stalled.close();
    }
  }

  @Test
  void aClientThatFallsBehindAndCatchesUpIsToldHowManyLinesItMissed(Vertx vertx) throws Exception {
    int port = ChatServer.deploy(vertx, new JsonObject().put("maxQueuedBytes", 16_384).put("slowClientGraceSeconds", 60)).port();
    Socket lagging = new Socket();
    try (ChatLineClient reader = ChatLineClient.as(port, "reader")) {
      lagging.setReceiveBufferSize(4096);
      lagging.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      lagging.getOutputStream().write("/nick lagging\n".getBytes(StandardCharsets.UTF_8));
      reader.await("* lagging joined #general");
      sayNumbered(vertx, "#general", 1, 5000).get(30, TimeUnit.SECONDS);
      reader.await("[#general] pump: line 5000");
      lagging.setSoTimeout(10_000);
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(lagging.getInputStream(), StandardCharsets.UTF_8));
      Pattern missed = Pattern.compile("\\* you missed (\\d+) lines");
      for (String line = in.readLine(); ; line = in.readLine()) {
        assertTrue(line != null, "closed before it was told what it missed");
        Matcher matcher = missed.matcher(line);
        if (matcher.matches()) {
          assertTrue(Integer.parseInt(matcher.group(1)) > 0);
          break;
        }
      }
    } finally {
      lagging.close();
    }
  }

  /** Says "line from".."line to" in a room through the bus, as "pump", each once the one before is kept: on a thread of its own. */
  static CompletableFuture<Void> sayNumbered(Vertx vertx, String room, int from, int to) {
    return sayNumbered(vertx, room, from, to, "");
  }

  /** The same, each line followed by {@code tail}. */
  static CompletableFuture<Void> sayNumbered(Vertx vertx, String room, int from, int to, String tail) {
    return CompletableFuture.runAsync(() -> {
      for (int n = from; n <= to; n++) {
        try {
          vertx.eventBus().request(Addresses.CHAT_SEND, new JsonObject().put("room", room).put("from", "pump").put("text", "line " + n + tail))
              .await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      }
    });
  }

  private static List<Integer> numbers(List<String> lines) {
    List<Integer> numbers = new ArrayList<>();
    Pattern numbered = Pattern.compile("\\[#race] pump: line (\\d+)");
    for (String line : lines) {
      Matcher matcher = numbered.matcher(line);
      if (matcher.matches()) {
        numbers.add(Integer.parseInt(matcher.group(1)));
      }
    }
    return numbers;
  }
}
