package io.tandem.fetch;

import io.tandem.bus.Addresses;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.FetchMessages.Kind;
import io.tandem.cluster.ClusterView;
import io.tandem.net.VertxInternals;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Where a coordinator's URL jobs go: every fetching instance, on this node or any other — a queue
 * of workers.
 *
 * <p>On a local bus, each job is handed to this process's fetching instances in turn
 * ({@link LocalWorkers}). On a clustered bus, each job goes to a node chosen in turn over the
 * instances the cluster's registry lists for {@link Addresses#FETCH_URL} (a node with two
 * instances gets two turns): this node's own jobs are handed over in the process, the others'
 * sent to that node's own address, so the coordinator knows which jobs each node holds. When a
 * node leaves the cluster (or an instance hands a job back as it shuts down), each of its jobs is
 * sent once more to another; a job lost twice ends as {@code node-lost}. With no instance left to
 * send to, a job ends as {@code unavailable} at once. Confined to the coordinator's event loop.
 */
final class Workers {

  private final Context context;
  private final EventBus bus;
  private final ClusterView cluster;
  private final LocalWorkers local;
  /** Jobs sent and not answered, by the node they were sent to (clustered bus only). */
  private final Map<String, Set<Sent>> byNode = new HashMap<>();
  private final Runnable stopWatching;
  /** The registry's instances, one entry per instance; refreshed for every batch. */
  private List<String> instances = List.of();
  private int turn;
  private int localTurn;

  Workers(Context context, EventBus bus, ClusterView cluster, LocalWorkers local) {
    this.context = context;
    this.bus = bus;
    this.cluster = cluster;
    this.local = local;
    // membership events come on Hazelcast's threads
    stopWatching = cluster == null ? () -> { } : cluster.onLeave(node -> context.runOnContext(left -> lost(node)));
  }

  /** Whether some instance takes work; on a clustered bus it also refreshes who does. */
  Future<Boolean> available() {
    if (cluster == null) {
      return Future.succeededFuture(!local.isEmpty());
    }
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    cluster.registrations(Addresses.FETCH_URL, registrations);
    return registrations.future().map(found -> {
      // a node killed a moment ago may still be listed until the survivors clean up after it
      Set<String> members = new HashSet<>(cluster.members());
      List<String> nodes = new ArrayList<>(found.size());
      found.forEach(registration -> {
        if (members.contains(registration.nodeId())) {
          nodes.add(registration.nodeId());
        }
      });
      instances = nodes;
      return !nodes.isEmpty();
    });
  }

  /**
   * The job's result, never a failure: a job that cannot be done ends with its error's kind.
   *
   * @param timeoutMs how long a job sent to another node may go unanswered
   * @param wanted false once the batch no longer needs the result: a lost job is then not sent again
   */
  Future<JsonObject> run(UrlJob job, long timeoutMs, BooleanSupplier wanted) {
    Sent sent = new Sent(job, timeoutMs, wanted);
    sent.send();
    return sent.result.future();
  }

  void close() {
    stopWatching.run();
  }

  private String nextNode() {
    if (instances.isEmpty()) {
      return null;
    }
    turn = (turn + 1) % instances.size();
    return instances.get(turn);
  }

  private void dropInstances(String node) {
    instances = instances.stream().filter(instance -> !instance.equals(node)).toList();
  }

  private void lost(String node) {
    dropInstances(node);
    Set<Sent> held = byNode.remove(node);
    if (held != null) {
      held.forEach(sent -> sent.lost("node " + node + " left the cluster"));
    }
  }

  /** One job on its way, and the node it went to. */
  private final class Sent {
    final UrlJob job;
    final long timeoutMs;
    final BooleanSupplier wanted;
    final Promise<JsonObject> result = Promise.promise();
    /** The batch's own context (a duplicate of the coordinator's): its answer comes back there, in its trace. */
    final Context from;
    int attempts;

    Sent(UrlJob job, long timeoutMs, BooleanSupplier wanted) {
      this.job = job;
      this.timeoutMs = timeoutMs;
      this.wanted = wanted;
      this.from = VertxInternals.currentWithin(context);
    }

    void send() {
      attempts++;
      String node = cluster == null ? null : nextNode();
      if (cluster != null && node == null) {
        unavailable();
        return;
      }
      if (node == null || node.equals(cluster.nodeId())) {
        LocalWorkers.Worker worker = local.next(localTurn++);
        if (worker == null) {
          // the last local instance stopped taking work just now
          if (node != null) {
            dropInstances(node);
            lost("this node no longer takes work");
          } else {
            unavailable();
          }
          return;
        }
        worker.run(job).onComplete(answer -> from.runOnContext(back -> answered(null, answer)));
        return;
      }
      byNode.computeIfAbsent(node, key -> new HashSet<>()).add(this);
      bus.<JsonObject>request(Addresses.FETCH_URL_NODE + node, job.toJson(), new DeliveryOptions().setSendTimeout(timeoutMs))
          .onComplete(reply -> answered(node, reply.map(Message::body)));
    }

    /** @param node the other node it was sent to, or null when it was run in this process */
    private void answered(String node, AsyncResult<JsonObject> answer) {
      if (node != null) {
        Set<Sent> held = byNode.get(node);
        if (held == null || !held.remove(this)) {
          // already counted as lost when its node left
          return;
        }
      }
      if (answer.succeeded()) {
        result.tryComplete(answer.result());
      } else if (answer.cause() instanceof ReplyException failure && failure.failureType() == ReplyFailure.NO_HANDLERS) {
        // the node left just now, or stopped taking work
        dropInstances(node);
        lost("node " + node + " no longer takes work");
      } else if (answer.cause() instanceof ReplyException failure && failure.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && failure.failureCode() == FailureCodes.UNAVAILABLE) {
        // handed back by an instance shutting down
        if (node != null) {
          dropInstances(node);
        }
        lost(failure.getMessage());
      } else {
        result.tryComplete(Results.notStarted(job.index(), job.url(), Kind.NODE_LOST,
            "the fetcher instance did not answer: " + answer.cause().getMessage()));
      }
    }

    void lost(String why) {
      if (result.future().isComplete()) {
        return;
      }
      if (attempts < 2 && wanted.getAsBoolean()) {
        send();
      } else {
        result.tryComplete(Results.notStarted(job.index(), job.url(), Kind.NODE_LOST, why + ", twice"));
      }
    }

    private void unavailable() {
      result.tryComplete(Results.notStarted(job.index(), job.url(), Kind.UNAVAILABLE,
          "no fetcher instance that takes work is left"));
    }
  }
}
