package io.tandem.bench;

/**
 * One entry point for the Java side of {@code bench/run.sh}:
 * {@code java -cp target/tandem.jar:bench/target/tandem-bench.jar io.tandem.bench.Bench <command> [--name value]...}
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: Bench bare|netty|origin|pingpong|stream|hold|chat|bus|bridge|churn|otlp-sink|fetch-tandem|fetch-bare [--name value]...");
      System.exit(2);
    }
    Args args = new Args(argv, 1);
    switch (argv[0]) {
      case "bare" -> BareServers.run(args);
      case "netty" -> NettyServers.run(args);
      case "origin" -> Origin.run(args);
      case "pingpong" -> PingPong.run(args);
      case "stream" -> Stream.run(args);
      case "hold" -> Hold.run(args);
      case "chat" -> ChatLoad.run(args);
      case "bus" -> BusLoad.run(args);
      case "bridge" -> BridgeLoad.run(args);
      case "churn" -> ConnectionChurn.run(args);
      case "otlp-sink" -> OtlpSink.run(args);
      case "fetch-tandem" -> FetchTandem.run(args);
      case "fetch-bare" -> FetchBare.run(args);
      default -> {
        System.err.println("unknown command " + argv[0]);
        System.exit(2);
      }
    }
  }
}
