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
    // only what runs inside Tandem's innermost frame is looked at: Tandem's own <clinit> is Tandem's
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.Thread.sleep(Native Method)",
        "\tat app//io.tandem.http.Slow.<clinit>(Slow.java:3)")));
  }

  @Test
  void aLibraryClassInitialisedOnFirstUseByTandemsCodeIsWarmingUp() {
    // seen under taskset -c 0,1 with two busy loops: the first router a cold JVM builds
    assertFalse(BlockedStacks.counts(stack(
        "\tat app//io.vertx.core.http.HttpMethod.<clinit>(HttpMethod.java:224)",
        "\tat app//io.vertx.ext.web.impl.RouterImpl.get(RouterImpl.java:109)",
        "\tat app//io.tandem.http.ApiRoutes.router(ApiRoutes.java:84)",
        "\tat app//io.tandem.http.HttpVerticle.start(HttpVerticle.java:50)")));
  }

  @Test
  void loadingTheClassesOfTandemsOwnStaticInitializerIsWarmingUp() {
    assertFalse(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.io.RandomAccessFile.readBytes(Native Method)",
        "\tat java.base@17.0.15/java.util.zip.ZipFile$Source.readFullyAt(ZipFile.java:1516)",
        "\tat java.base@17.0.15/jdk.internal.loader.BuiltinClassLoader.defineClass(BuiltinClassLoader.java:859)",
        "\tat java.base@17.0.15/java.lang.ClassLoader.loadClass(ClassLoader.java:525)",
        "\tat app//io.tandem.bridge.SockJsBridge.<clinit>(SockJsBridge.java:51)",
        "\tat app//io.tandem.http.ApiRoutes.router(ApiRoutes.java:94)")));
  }

  @Test
  void readingAResourceOnAnEventLoopStillCounts() {
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.io.RandomAccessFile.readBytes(Native Method)",
        "\tat java.base@17.0.15/java.util.zip.ZipFile$ZipFileInputStream.read(ZipFile.java:939)",
        "\tat java.base@17.0.15/java.lang.Class.getResourceAsStream(Class.java:2861)",
        "\tat app//io.tandem.ui.UiPage.read(UiPage.java:120)")));
  }

  @Test
  void vertxBindingAServerIsDeploymentNotTandemBlocking() {
    // seen under load: Netty's first channel of a cold JVM, inside Vert.x's bind at deployment
    assertFalse(BlockedStacks.counts(stack(
        "\tat app//io.netty.channel.ChannelHandlerAdapter.isSharable(ChannelHandlerAdapter.java:56)",
        "\tat app//io.netty.channel.DefaultChannelPipeline.addLast(DefaultChannelPipeline.java:319)",
        "\tat app//io.netty.bootstrap.ServerBootstrap.init(ServerBootstrap.java:145)",
        "\tat app//io.netty.bootstrap.AbstractBootstrap.bind(AbstractBootstrap.java:288)",
        "\tat app//io.vertx.core.net.impl.NetServerImpl.bind(NetServerImpl.java:732)",
        "\tat app//io.vertx.core.net.NetServer.listen(NetServer.java:68)",
        "\tat app//io.tandem.echo.TcpEchoVerticle.lambda$start$1(TcpEchoVerticle.java:76)")));
  }

  @Test
  void cpuWorkWhileAVerticleStartsIsNotBlocking() {
    // seen under taskset -c 0,1 with two busy loops: SockJS building its handler in a cold JVM
    assertFalse(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.StringLatin1.replace(StringLatin1.java:343)",
        "\tat app//io.vertx.ext.web.handler.sockjs.impl.SockJSImpl.socketHandler(SockJSImpl.java:97)",
        "\tat app//io.tandem.bridge.SockJsBridge.mount(SockJsBridge.java:106)",
        "\tat app//io.tandem.http.HttpVerticle.start(HttpVerticle.java:50)",
        "\tat app//io.vertx.core.VerticleBase.deploy(VerticleBase.java:74)")));
  }

  @Test
  void aBlockingCallWhileAVerticleStartsStillCounts() {
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.io.FileInputStream.readBytes(Native Method)",
        "\tat java.base@17.0.15/java.nio.file.Files.readAllBytes(Files.java:3288)",
        "\tat app//io.tandem.http.HttpVerticle.start(HttpVerticle.java:50)",
        "\tat app//io.vertx.core.VerticleBase.deploy(VerticleBase.java:74)")));
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/jdk.internal.misc.Unsafe.park(Native Method)",
        "\tat java.base@17.0.15/java.util.concurrent.CompletableFuture.get(CompletableFuture.java:2096)",
        "\tat app//io.tandem.http.HttpVerticle.start(HttpVerticle.java:50)",
        "\tat app//io.vertx.core.VerticleBase.deploy(VerticleBase.java:74)")));
  }

  @Test
  void cpuWorkWhileServingARequestStillCounts() {
    assertTrue(BlockedStacks.counts(stack(
        "\tat java.base@17.0.15/java.lang.StringLatin1.replace(StringLatin1.java:343)",
        "\tat app//io.tandem.http.ApiRoutes.hello(ApiRoutes.java:80)",
        "\tat app//io.vertx.ext.web.impl.RoutingContextImpl.next(RoutingContextImpl.java:1)")));
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
