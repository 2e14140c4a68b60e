package io.tandem.testing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockedStacksTest {

  private static List<BlockedStacks.Frame> stack(String... lines) {
    return Stream.of(lines).map(BlockedStacks.Frame::parse).toList();
  }

  @Test
  void aBlockingCallInTandemsCodeCounts() {
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.Thread.sleep(Native Method)",
        "\tat app//io.tandem.http.ApiRoutes.hello(ApiRoutes.java:80)")));
  }

  @Test
  void aJdkClassInitialisedOnFirstUseIsWarmingUp() {
    // seen in CI: a first bind on a loaded machine, inside the JDK's socket-option table
    assertFalse(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/sun.nio.ch.SocketOptionRegistry$LazyInitialization.options(SocketOptionRegistry.java:199)",
        "\tat java.base@17.0.15/sun.nio.ch.SocketOptionRegistry$LazyInitialization.<clinit>(SocketOptionRegistry.java:62)",
        "\tat java.base@17.0.15/sun.nio.ch.Net.setSocketOption(Net.java:441)",
        "\tat app//io.netty.bootstrap.AbstractBootstrap.bind(AbstractBootstrap.java:288)",
        "\tat app//io.tandem.echo.TcpEchoVerticle.lambda$start$1(TcpEchoVerticle.java:76)")));
  }

  @Test
  void aStaticInitializerBelowTandemsOwnCodeStillCounts() {
    // only the JDK frames above the first library frame are looked at: Tandem's own <clinit> is Tandem's
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.Thread.sleep(Native Method)",
        "\tat app//io.tandem.http.Slow.<clinit>(Slow.java:3)")));
  }

  @Test
  void nettyStartingAnEventLoopsThreadOnItsFirstTaskIsNotTandemBlocking() {
    // seen in CI: the first bind of a Vert.x instance starts the acceptor loop's thread
    assertFalse(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.Thread.start0(Native Method)",
        "\tat java.base@17.0.15/java.lang.Thread.start(Thread.java:809)",
        "\tat app//io.netty.util.concurrent.ThreadPerTaskExecutor.execute(ThreadPerTaskExecutor.java:32)",
        "\tat app//io.netty.util.internal.ThreadExecutorMap$1.execute(ThreadExecutorMap.java:57)",
        "\tat app//io.netty.util.concurrent.SingleThreadEventExecutor.doStartThread(SingleThreadEventExecutor.java:1179)",
        "\tat app//io.vertx.core.net.impl.NetServerImpl.listen(NetServerImpl.java:169)",
        "\tat app//io.tandem.echo.TcpEchoVerticle.lambda$start$1(TcpEchoVerticle.java:76)")));
  }

  @Test
  void tandemStartingAThreadOnAnEventLoopStillCounts() {
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.Thread.start0(Native Method)",
        "\tat java.base@17.0.15/java.lang.Thread.start(Thread.java:809)",
        "\tat app//io.tandem.fetch.Downloads.save(Downloads.java:40)")));
  }

  @Test
  void stacksOutsideTandemDoNotCount() {
    assertFalse(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.Thread.sleep(Native Method)",
        "\tat app//io.vertx.core.impl.ContextImpl.run(ContextImpl.java:1)")));
  }
}
