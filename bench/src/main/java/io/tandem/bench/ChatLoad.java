package io.tandem.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A chat workload on the chat's line protocol (README, "Chat"): {@code --clients} connections,
 * client i in room {@code #room<i mod rooms>}. Each takes a nickname (which joins {@code #general}),
 * joins its room, leaves {@code #general}, and once every client is in its room each says
 * {@code --rate} lines a second, the clients' turns spread evenly over the second. A line carries
 * its sender, its number and the {@code System.nanoTime()} it was written at (one process sends
 * and reads, so the clocks agree); every member that reads it, the sender too, records the
 * delivery latency.
 *
 * <p>After {@code --warmup} seconds, a window of {@code --seconds}: its lines are the ones counted.
 * Once it closes nothing more is said, and the lines still on their way are waited for (at most
 * {@code --drain} seconds): each line of the window should reach every member of its room, so
 * {@code undelivered} (expected − delivered by then: lost, or that far behind) must be 0, and so
 * must {@code gaps} and {@code duplicates} (each reader checks every sender's numbers follow on,
 * warm-up included), {@code errors} (ERR lines) and {@code missed} (the server's {@code * you
 * missed N lines}). Those are reported, not fatal: a server that loses lines under load is a finding. A connection closed by the server, or a
 * line that is none of the protocol's, ends the run with status 1.
 *
 * <p>Lines on standard output: {@code {"phase":"measuring"}} as the window opens and
 * {@code {"phase":"measured"}} as it closes (so the harness can read the server's CPU over exactly
 * the window), then the report.
 */
final class ChatLoad {

  /** Clients set up at a time: each join is announced to the room, so a room filling at once costs its square. */
  private static final int WAVE = 100;
  private static final String GENERAL = "#general";

  private final Vertx vertx;
  private final int rooms;
  private final int[] roomSize;
  private final double rate;
  private final double warmupSeconds;
  private final double seconds;
  private final double drainSeconds;
  private final List<Client> clients = new ArrayList<>();
  private final Histogram latencies = new Histogram();
  private final Histogram sendLag = new Histogram();
  private long maxLatencyMicros;

  private boolean sending;
  private boolean windowOpen;
  private boolean over;
  private long windowStart;
  private long windowEnd;
  private long scheduleStart;
  private long nextTurn;
  private long sent;
  private long expected;
  private long delivered;
  private long gaps;
  private long duplicates;
  private long errors;
  private long missed;
  private String firstError;
  private long cpuAtStart;

  private ChatLoad(Args args, Vertx vertx) {
    this.vertx = vertx;
    this.rooms = args.integer("rooms", 10);
    this.rate = args.decimal("rate", 1);
    this.warmupSeconds = args.decimal("warmup", 10);
    this.seconds = args.decimal("seconds", 30);
    this.drainSeconds = args.decimal("drain", 10);
    int count = args.integer("clients", 1000);
    if (rooms < 1 || count < rooms) {
      throw new IllegalArgumentException("--clients must be at least --rooms, and --rooms at least 1");
    }
    this.roomSize = new int[rooms];
    // the nicknames of an earlier run against the same server may not be freed yet: a run's own prefix
    String prefix = "c" + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36) + "-";
    for (int i = 0; i < count; i++) {
      int room = i % rooms;
      roomSize[room]++;
      clients.add(new Client(i, room, prefix + i, (count + rooms - 1) / rooms));
    }
  }

  static void run(Args args) {
    String host = args.text("host", "127.0.0.1");
    int port = args.integer("port", 8081);
    // one event loop: the generator gets one core
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    ChatLoad load = new ChatLoad(args, vertx);
    NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(30_000));
    long setupStart = System.nanoTime();
    vertx.runOnContext(start -> load.setUp(client, host, port, 0)
        .onFailure(err -> LoadRun.fail("setting up the clients: " + err.getMessage()))
        .onSuccess(ready -> load.begin((System.nanoTime() - setupStart) / 1e9)));
  }

  /** Connects the clients from {@code from} on, a wave at a time, each into its room. */
  private Future<Void> setUp(NetClient client, String host, int port, int from) {
    if (from >= clients.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(clients.size(), from + WAVE);
    List<Future<Void>> wave = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Client c = clients.get(i);
      wave.add(client.connect(port, host).compose(c::enter));
    }
    return Future.all(wave).compose(done -> setUp(client, host, port, to));
  }

  /** Every client is in its room: the turns begin, then the window, then the drain. */
  private void begin(double setupSeconds) {
    print(new JsonObject().put("phase", "ready").put("clients", clients.size()).put("setupSeconds", setupSeconds));
    double turnNanos = 1e9 / (clients.size() * rate);
    scheduleStart = System.nanoTime();
    sending = true;
    // a turn is due every turnNanos; each tick says every line due by now
    vertx.setPeriodic(1, tick -> {
      if (!sending) {
        vertx.cancelTimer(tick);
        return;
      }
      long now = System.nanoTime();
      while (sending) {
        long due = scheduleStart + (long) (nextTurn * turnNanos);
        if (due - now > 0) {
          break;
        }
        if (windowOpen) {
          sendLag.record((now - due) / 1000);
        }
        clients.get((int) (nextTurn % clients.size())).say();
        nextTurn++;
      }
    });
    vertx.setTimer(Math.max(1, (long) (warmupSeconds * 1000)), warm -> {
      cpuAtStart = processCpuNanos();
      windowStart = System.nanoTime();
      windowOpen = true;
      print(new JsonObject().put("phase", "measuring"));
      vertx.setTimer(Math.max(1, (long) (seconds * 1000)), done -> {
        sending = false;
        windowEnd = System.nanoTime();
        long cpu = processCpuNanos() - cpuAtStart;
        print(new JsonObject().put("phase", "measured"));
        long drainUntil = windowEnd + (long) (drainSeconds * 1e9);
        vertx.setPeriodic(10, check -> {
          if (delivered >= expected || System.nanoTime() - drainUntil > 0) {
            vertx.cancelTimer(check);
            report(setupSeconds, cpu);
          }
        });
      });
    });
  }

  private void report(double setupSeconds, long cpuNanos) {
    over = true;
    double elapsed = (windowEnd - windowStart) / 1e9;
    JsonObject line = new JsonObject()
        .put("clients", clients.size())
        .put("rooms", rooms)
        .put("rate", rate)
        .put("setupSeconds", setupSeconds)
        .put("seconds", elapsed)
        .put("sent", sent)
        .put("expected", expected)
        .put("delivered", delivered)
        .put("undelivered", expected - delivered)
        .put("gaps", gaps)
        .put("duplicates", duplicates)
        .put("errors", errors)
        .put("missed", missed)
        .put("perSecond", delivered / elapsed)
        .put("sentPerSecond", sent / elapsed)
        .put("loadCpuPct", 100 * cpuNanos / 1e9 / elapsed);
    if (firstError != null) {
      line.put("firstError", firstError);
    }
    if (latencies.count() > 0) {
      line.put("p50us", latencies.percentile(0.50))
          .put("p99us", latencies.percentile(0.99))
          .put("p999us", latencies.percentile(0.999))
          .put("maxus", maxLatencyMicros);
    }
    if (sendLag.count() > 0) {
      line.put("sendLagP99us", sendLag.percentile(0.99)).put("sendLagMaxus", sendLag.percentile(1.0));
    }
    print(line);
    Runtime.getRuntime().halt(0);
  }

  private static void print(JsonObject line) {
    System.out.println(line.encode());
    System.out.flush();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** One chat client; confined to the generator's event loop. */
  private final class Client {
    private final int index;
    private final int room;
    private final String nick;
    private final String roomName;
    /** What a line said in its room starts with, as its members read it. */
    private final byte[] roomPrefix;
    /** The number of the last line read from each sender of the room, by the sender's place in it. */
    private final long[] lastSeen;
    private NetSocket socket;
    private Promise<Void> ready;
    private Step step = Step.WELCOME;
    private long seq;

    Client(int index, int room, String nick, int roomMembers) {
      this.index = index;
      this.room = room;
      this.nick = nick;
      this.roomName = "#room" + room;
      this.roomPrefix = ("[" + roomName + "] ").getBytes(StandardCharsets.US_ASCII);
      this.lastSeen = new long[roomMembers];
    }

    /** Takes a nickname, joins the room and leaves #general; the future completes once it is in. */
    Future<Void> enter(NetSocket connected) {
      socket = connected;
      ready = Promise.promise();
      socket.handler(RecordParser.newDelimited("\n", this::line));
      socket.exceptionHandler(err -> LoadRun.fail(nick + ": " + err));
      socket.closeHandler(closed -> {
        if (!over) {
          LoadRun.fail("the server closed " + nick + "'s connection" + (firstError == null ? "" : " (first ERR: " + firstError + ")"));
        }
      });
      return ready.future();
    }

    void say() {
      long number = ++seq;
      long at = System.nanoTime();
      if (windowOpen) {
        sent++;
        expected += roomSize[room];
      }
      socket.write(Buffer.buffer(index + " " + number + " " + at + "\n"));
    }

    private void line(Buffer line) {
      if (line.length() > 0 && line.getByte(0) == '[') {
        if (step == Step.IN_ROOM) {
          roomLine(line);
        }
        return; // before that, the rooms' history
      }
      String text = line.toString(StandardCharsets.UTF_8);
      if (text.startsWith("ERR ")) {
        errors++;
        if (firstError == null) {
          firstError = nick + ": " + text;
        }
        if (step != Step.IN_ROOM) {
          LoadRun.fail(nick + " was refused while setting up: " + text);
        }
        return;
      }
      if (!text.startsWith("* ")) {
        LoadRun.fail(nick + " read a line of no kind the chat writes: " + text);
      }
      if (text.startsWith("* you missed ")) {
        missed += Long.parseLong(text.substring("* you missed ".length()).split(" ")[0]);
        return;
      }
      advance(text);
    }

    /** The setup, a step at a time: each answer awaited before the next line. */
    private void advance(String text) {
      switch (step) {
        case WELCOME -> {
          if (text.startsWith("* welcome")) {
            step = Step.NICK;
            socket.write("/nick " + nick + "\n");
          }
        }
        case NICK -> {
          if (text.equals("* you are " + nick)) {
            step = Step.GENERAL;
          }
        }
        case GENERAL -> {
          if (text.equals("* end of history")) {
            step = Step.JOIN;
            socket.write("/join " + roomName + "\n");
          }
        }
        case JOIN -> {
          if (text.equals("* end of history")) {
            step = Step.PART;
            socket.write("/part " + GENERAL + "\n");
          }
        }
        case PART -> {
          if (text.startsWith("* you left " + GENERAL)) {
            step = Step.IN_ROOM;
            ready.complete();
          }
        }
        default -> {
          // others joining and leaving the room: nothing to check
        }
      }
    }

    /** {@code [#roomN] nick: sender number nanos}: checked, counted, and its latency recorded. */
    private void roomLine(Buffer line) {
      long now = System.nanoTime();
      int length = line.length();
      for (int i = 0; i < roomPrefix.length; i++) {
        if (i >= length || line.getByte(i) != roomPrefix[i]) {
          LoadRun.fail(nick + " read a line of another room: " + line);
        }
      }
      int at = roomPrefix.length;
      while (at < length && line.getByte(at) != ':') {
        at++;
      }
      at += 2; // ": "
      long[] fields = new long[3];
      for (int f = 0; f < 3; f++) {
        long value = 0;
        int start = at;
        while (at < length && line.getByte(at) != ' ') {
          byte b = line.getByte(at++);
          if (b < '0' || b > '9') {
            LoadRun.fail(nick + " read a line no client of this run said: " + line);
          }
          value = value * 10 + (b - '0');
        }
        if (at == start) {
          LoadRun.fail(nick + " read a line no client of this run said: " + line);
        }
        fields[f] = value;
        at++;
      }
      int sender = (int) fields[0];
      long number = fields[1];
      long sentAt = fields[2];
      if (sender >= clients.size() || sender % rooms != room) {
        LoadRun.fail(nick + " read client " + sender + "'s line in " + roomName);
      }
      int place = sender / rooms;
      long last = lastSeen[place];
      if (number <= last) {
        duplicates++;
      } else {
        gaps += number - last - 1;
        lastSeen[place] = number;
      }
      if (windowOpen && sentAt - windowStart >= 0) {
        delivered++;
        long micros = (now - sentAt) / 1000;
        latencies.record(micros);
        maxLatencyMicros = Math.max(maxLatencyMicros, micros);
      }
    }
  }

  private enum Step { WELCOME, NICK, GENERAL, JOIN, PART, IN_ROOM }
}
