package io.tandem.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The fetch ceiling: the Vert.x version of the tutorial's gather — a WebClient, one future per
 * URL, a semaphore capping how many run at once, {@code Future.all} over them all.
 */
final class FetchBare {

  static void run(Args args) {
    FetchRounds work = FetchRounds.of(args);
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.wrap(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(work.concurrency())));
    // everything on one event loop, as one verticle would run it
    vertx.runOnContext(start -> round(vertx, client, work, 0));
  }

  private static void round(Vertx vertx, WebClient client, FetchRounds work, int round) {
    if (round == work.rounds()) {
      System.exit(0);
    }
    Semaphore semaphore = new Semaphore(work.concurrency());
    List<Future<HttpResponse<Buffer>>> gets = new ArrayList<>(work.count());
    long start = System.nanoTime();
    for (int i = 0; i < work.count(); i++) {
      String url = work.url(i);
      gets.add(semaphore.acquire()
          .compose(permit -> client.getAbs(url).send())
          .andThen(done -> semaphore.release()));
    }
    Future.join(gets).onComplete(all -> {
      int succeeded = 0;
      long bytes = 0;
      for (Future<HttpResponse<Buffer>> get : gets) {
        if (get.succeeded() && get.result().statusCode() == 200) {
          succeeded++;
          bytes += get.result().body() == null ? 0 : get.result().body().length();
        }
      }
      work.report(round, start, succeeded, bytes);
      round(vertx, client, work, round + 1);
    });
  }

  /** asyncio.Semaphore on one event loop: permits, then a FIFO of waiters. */
  private static final class Semaphore {
    private final ArrayDeque<Promise<Void>> waiters = new ArrayDeque<>();
    private int permits;

    Semaphore(int permits) {
      this.permits = permits;
    }

    Future<Void> acquire() {
      if (permits > 0) {
        permits--;
        return Future.succeededFuture();
      }
      Promise<Void> waiter = Promise.promise();
      waiters.add(waiter);
      return waiter.future();
    }

    void release() {
      Promise<Void> next = waiters.poll();
      if (next != null) {
        next.complete();
      } else {
        permits++;
      }
    }
  }
}
