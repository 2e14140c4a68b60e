package io.tandem.fetch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One body saved under {@code fetcher.downloadDir}, through the async file system. The name is
 * the SHA-256 of the URL, never anything taken from its path, so nothing can escape the folder.
 * Bytes go to a temporary file that is renamed into place only when the body is complete, so a
 * reader never sees half a file and two fetches of one URL cannot interleave their bytes.
 */
final class Download {

  private final Vertx vertx;
  private final AsyncFile file;
  private final String partPath;
  private final String finalPath;

  Download(Vertx vertx, AsyncFile file, String partPath, String finalPath) {
    this.vertx = vertx;
    this.file = file;
    this.partPath = partPath;
    this.finalPath = finalPath;
  }

  static Future<Download> open(Vertx vertx, String directory, String url) {
    String finalPath = Path.of(directory, hash(url)).toString();
    String partPath = finalPath + ".part-" + UUID.randomUUID();
    OpenOptions create = new OpenOptions().setWrite(true).setCreateNew(true);
    // the folder exists nearly always: create it only when opening says it is missing
    return vertx.fileSystem().open(partPath, create)
        .recover(missing -> vertx.fileSystem().mkdirs(directory).compose(made -> vertx.fileSystem().open(partPath, create)))
        .map(file -> new Download(vertx, file, partPath, finalPath));
  }

  /**
   * Writes {@code part}; pauses {@code source} while the file's write queue is full. The future
   * fails if the write does (a full disk, say): the file's exception handler is not told.
   */
  Future<Void> write(Buffer part, ReadStream<Buffer> source) {
    Future<Void> written = file.write(part);
    if (file.writeQueueFull()) {
      source.pause();
      file.drainHandler(drained -> source.resume());
    }
    return written;
  }

  /** Completes the file and moves it into place; the future holds its path. On failure the partial file is removed. */
  Future<String> commit() {
    return file.close()
        .compose(closed -> vertx.fileSystem().move(partPath, finalPath, new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .map(moved -> finalPath)
        .onFailure(failed -> vertx.fileSystem().delete(partPath));
  }

  /** Throws the partial file away. */
  Future<Void> abandon() {
    return file.close().transform(closed -> vertx.fileSystem().delete(partPath));
  }

  private static String hash(String url) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
