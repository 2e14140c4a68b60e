package io.tandem.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A chat workload on the chat's line protocol (README, "Chat"): {@code --clients} connections,
 * client i in room {@code #room<i mod rooms>}. Each takes a nickname (which joins {@code #general}),
 * joins its room and leaves {@code #general}, a wave of clients at a time; once every client is in
 * its room each says {@code --rate} lines a second, the clients' turns spread evenly over the
 * second. A line carries its sender, its number and the {@code System.nanoTime()} it was written
 * at (one process sends and reads, so the clocks agree); every member that reads it, the sender
 * too, records the delivery latency.
 *
 * <p>After {@code --warmup} seconds, a window of {@code --seconds}: its lines are the ones counted.
 * Once it closes nothing more is said, and the lines still on their way are waited for (at most
 * {@code --drain} seconds): each line of the window should reach every member of its room, so
 * {@code undelivered} (expected − delivered by then: lost, or that far behind) must be 0, and so
 * must {@code gaps} and {@code duplicates} (each reader checks every sender's numbers follow on,
 * warm-up included), {@code errors} (ERR lines) and {@code missed} (the server's {@code * you
 * missed N lines}). Those are reported, not fatal: a server that loses lines under load is a
 * finding. A connection closed by the server, or a line that is none of the protocol's, ends the
 * run with status 1.
 *
 * <p>Plain NIO on one thread, not Vert.x: 1,000 clients reading 100,000 lines a second took a
 * Vert.x client on one event loop to 83–93 % of its core, so its own queueing would have been part
 * of every latency. Lines are parsed where they were read, with nothing allocated per line.
 *
 * <p>Lines on standard output: {@code {"phase":"measuring"}} as the window opens and
 * {@code {"phase":"measured"}} as it closes (so the harness can read the server's CPU over exactly
 * the window), then the report.
 */
final class ChatLoad {

  /** Clients set up at a time: each join is announced to the room, so a room filling at once costs its square. */
  private static final int WAVE = 100;
  private static final String GENERAL = "#general";
  /** The longest line a client reads whole: the server's own limit is 4 KiB of text. */
  private static final int READ_BUFFER_BYTES = 16 * 1024;

  private final Selector selector;
  private final InetSocketAddress server;
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

  private int ready;
  private boolean windowOpen;
  private boolean over;
  private long windowStart;
  private long sent;
  private long expected;
  private long delivered;
  private long gaps;
  private long duplicates;
  private long errors;
  private long missed;
  private String firstError;

  private ChatLoad(Args args) throws IOException {
    this.selector = Selector.open();
    this.server = new InetSocketAddress(args.text("host", "127.0.0.1"), args.integer("port", 8081));
    this.rooms = args.integer("rooms", 10);
    this.rate = args.decimal("rate", 1);
    this.warmupSeconds = args.decimal("warmup", 10);
    this.seconds = args.decimal("seconds", 30);
    this.drainSeconds = args.decimal("drain", 10);
    int count = args.integer("clients", 1000);
    if (rooms < 1 || count < rooms || rate <= 0) {
      throw new IllegalArgumentException("--clients must be at least --rooms, --rooms at least 1, --rate above 0");
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

  static void run(Args args) throws IOException {
    new ChatLoad(args).go();
  }

  private void go() throws IOException {
    long setupStart = System.nanoTime();
    int connected = 0;
    while (ready < clients.size()) {
      if (ready == connected) {
        for (int to = Math.min(clients.size(), connected + WAVE); connected < to; connected++) {
          clients.get(connected).connect();
        }
      }
      poll(1000);
    }
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    print(new JsonObject().put("phase", "ready").put("clients", clients.size()).put("setupSeconds", setupSeconds));

    double turnNanos = 1e9 / (clients.size() * rate);
    long scheduleStart = System.nanoTime();
    long opens = scheduleStart + (long) (warmupSeconds * 1e9);
    long closes = opens + (long) (seconds * 1e9);
    long nextTurn = 0;
    long cpuAtStart = 0;
    while (true) {
      long now = System.nanoTime();
      if (!windowOpen && now - opens >= 0) {
        cpuAtStart = processCpuNanos();
        windowStart = System.nanoTime();
        windowOpen = true;
        print(new JsonObject().put("phase", "measuring"));
      }
      if (now - closes >= 0) {
        break;
      }
      long due = scheduleStart + (long) (nextTurn * turnNanos);
      while (due - now <= 0) {
        if (windowOpen) {
          sendLag.record((now - due) / 1000);
        }
        clients.get((int) (nextTurn % clients.size())).say();
        nextTurn++;
        due = scheduleStart + (long) (nextTurn * turnNanos);
      }
      // at most a millisecond late: select's timeout is in milliseconds, and a spin would cost the core
      poll(Math.max(1, (due - System.nanoTime()) / 1_000_000));
    }
    long windowEnd = System.nanoTime();
    long cpuNanos = processCpuNanos() - cpuAtStart;
    print(new JsonObject().put("phase", "measured"));
    long drainUntil = windowEnd + (long) (drainSeconds * 1e9);
    while (delivered < expected && System.nanoTime() - drainUntil < 0) {
      poll(10);
    }
    over = true;
    report(setupSeconds, (windowEnd - windowStart) / 1e9, cpuNanos);
    Runtime.getRuntime().halt(0);
  }

  private void poll(long timeoutMillis) throws IOException {
    selector.select(key -> {
      Client client = (Client) key.attachment();
      try {
        if (key.isWritable()) {
          client.flush();
        }
        if (key.isReadable()) {
          client.read();
        }
      } catch (IOException e) {
        LoadRun.fail(client.nick + ": " + e);
      }
    }, timeoutMillis);
  }

  private void report(double setupSeconds, double elapsed, long cpuNanos) {
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
  }

  private static void print(JsonObject line) {
    System.out.println(line.encode());
    System.out.flush();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** One chat client: its connection, where it stands in the setup, and what it has read. */
  private final class Client {
    private final int index;
    private final int room;
    private final String nick;
    private final String roomName;
    /** What a line said in its room starts with, as its members read it. */
    private final byte[] roomPrefix;
    /** The number of the last line read from each sender of the room, by the sender's place in it. */
    private final long[] lastSeen;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** What the socket did not take yet, in order; empty nearly always (a line a second). */
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private SocketChannel channel;
    private SelectionKey key;
    private Step step = Step.WELCOME;
    private long seq;
    /** The last number {@link #number} read. */
    private long parsed;

    Client(int index, int room, String nick, int roomMembers) {
      this.index = index;
      this.room = room;
      this.nick = nick;
      this.roomName = "#room" + room;
      this.roomPrefix = ("[" + roomName + "] ").getBytes(StandardCharsets.US_ASCII);
      this.lastSeen = new long[roomMembers];
    }

    void connect() throws IOException {
      channel = SocketChannel.open(server);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      key = channel.register(selector, SelectionKey.OP_READ, this);
    }

    void say() {
      long number = ++seq;
      long at = System.nanoTime();
      if (windowOpen) {
        sent++;
        expected += roomSize[room];
      }
      write(index + " " + number + " " + at + "\n");
    }

    private void write(String text) {
      ByteBuffer data = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      try {
        if (out.isEmpty()) {
          channel.write(data);
          if (!data.hasRemaining()) {
            return;
          }
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        out.add(data);
      } catch (IOException e) {
        LoadRun.fail(nick + ": " + e);
      }
    }

    void flush() throws IOException {
      while (!out.isEmpty()) {
        channel.write(out.peek());
        if (out.peek().hasRemaining()) {
          return;
        }
        out.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    void read() throws IOException {
      if (channel.read(in) < 0) {
        if (!over) {
          LoadRun.fail("the server closed " + nick + "'s connection" + (firstError == null ? "" : " (first ERR: " + firstError + ")"));
        }
        key.cancel();
        return;
      }
      int end = in.position();
      int start = 0;
      for (int i = 0; i < end; i++) {
        if (in.get(i) == '\n') {
          line(start, i);
          start = i + 1;
        }
      }
      if (start == 0 && end == in.capacity()) {
        LoadRun.fail(nick + " read a line longer than " + READ_BUFFER_BYTES + " bytes");
      }
      in.limit(end).position(start);
      in.compact();
    }

    /** The line in {@code in[start, end)}, without its LF. */
    private void line(int start, int end) {
      if (end > start && in.get(start) == '[') {
        if (step == Step.IN_ROOM) {
          roomLine(start, end);
        }
        return; // before that, the rooms' history
      }
      byte[] bytes = new byte[end - start];
      in.get(start, bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
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
            write("/nick " + nick + "\n");
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
            write("/join " + roomName + "\n");
          }
        }
        case JOIN -> {
          if (text.equals("* end of history")) {
            step = Step.PART;
            write("/part " + GENERAL + "\n");
          }
        }
        case PART -> {
          if (text.startsWith("* you left " + GENERAL)) {
            step = Step.IN_ROOM;
            ready++;
          }
        }
        default -> {
          // others joining and leaving the room: nothing to check
        }
      }
    }

    /** {@code [#roomN] nick: sender number nanos}: checked, counted, and its latency recorded. */
    private void roomLine(int start, int end) {
      long now = System.nanoTime();
      for (int i = 0; i < roomPrefix.length; i++) {
        if (start + i >= end || in.get(start + i) != roomPrefix[i]) {
          LoadRun.fail(nick + " read a line of another room: " + text(start, end));
        }
      }
      int at = start + roomPrefix.length;
      while (at < end && in.get(at) != ':') {
        at++;
      }
      at += 2; // ": "
      int senderEnd = number(at, end, start);
      long sender = parsed;
      int numberEnd = number(senderEnd + 1, end, start);
      long number = parsed;
      number(numberEnd + 1, end, start);
      long sentAt = parsed;
      if (sender >= clients.size() || sender % rooms != room) {
        LoadRun.fail(nick + " read client " + sender + "'s line in " + roomName);
      }
      int place = (int) (sender / rooms);
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

    /** Reads the decimal number at {@code at} into {@code parsed}; where it ends (a space or the line's end). */
    private int number(int at, int end, int lineStart) {
      long value = 0;
      int from = at;
      while (at < end && in.get(at) != ' ') {
        byte b = in.get(at++);
        if (b < '0' || b > '9') {
          LoadRun.fail(nick + " read a line no client of this run said: " + text(lineStart, end));
        }
        value = value * 10 + (b - '0');
      }
      if (at == from) {
        LoadRun.fail(nick + " read a line no client of this run said: " + text(lineStart, end));
      }
      parsed = value;
      return at;
    }

    private String text(int start, int end) {
      byte[] bytes = new byte[end - start];
      in.get(start, bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private enum Step { WELCOME, NICK, GENERAL, JOIN, PART, IN_ROOM }
}
