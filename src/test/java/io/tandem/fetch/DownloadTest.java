package io.tandem.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DownloadTest {

  @TempDir
  Path dir;

  @Test
  void aFailedWriteFailsItsFutureAndAbandoningLeavesNoPartialFile(Vertx vertx) throws Exception {
    // every write to /dev/full fails with "no space left on device"
    AsyncFile full = vertx.fileSystem().open("/dev/full", new OpenOptions().setWrite(true).setCreate(false)).await(5, TimeUnit.SECONDS);
    Path part = Files.writeString(dir.resolve("x.part-1"), "partial");
    Download download = new Download(vertx, full, part.toString(), dir.resolve("x").toString());
    ReadStream<Buffer> source = vertx.fileSystem().open(part.toString(), new OpenOptions()).await(5, TimeUnit.SECONDS);
    Future<Void> written = download.write(Buffer.buffer(new byte[64 * 1024]), source);
    assertThrows(ExecutionException.class, () -> written.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    download.abandon().await(5, TimeUnit.SECONDS);
    assertFalse(Files.exists(part), "the partial file was left behind");
  }
}
