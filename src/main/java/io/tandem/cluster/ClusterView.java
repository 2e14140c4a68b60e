package io.tandem.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.tandem.net.VertxInternals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * This node's view of the cluster, when the bus is clustered: its node id and the members it
 * sees, for the start-up log and {@code /ready}. Joins and leaves are logged as they happen.
 */
public final class ClusterView {

  private static final Logger log = LoggerFactory.getLogger(ClusterView.class);
  /**
   * The member attribute Vert.x's Hazelcast cluster manager keeps its node id in: the id the bus
   * and the registry use, which is not the Hazelcast member's own UUID.
   */
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final ClusterManager manager;

  private ClusterView(ClusterManager manager) {
    this.manager = manager;
  }

  /** The view of a clustered Vert.x, or null when its bus is local. */
  public static ClusterView of(Vertx vertx) {
    ClusterManager manager = VertxInternals.clusterManager(vertx);
    return manager == null ? null : new ClusterView(manager);
  }

  public String nodeId() {
    return manager.getNodeId();
  }

  /** The node ids of every member this node sees, itself included. */
  public List<String> members() {
    return manager.getNodes();
  }

  /** {@code tandem.cluster.members}: the members this node sees, Hazelcast's own list read at each scrape. */
  public void meter(MeterRegistry registry) {
    Gauge.builder("tandem.cluster.members", this, view -> view.members().size())
        .description("Members of the cluster, as this node sees them").strongReference(true).register(registry);
  }

  public JsonObject toJson() {
    return new JsonObject().put("node", nodeId()).put("members", new JsonArray(members()));
  }

  /**
   * Logs who this node is and whom it sees, now and at every change. The first line comes from
   * Hazelcast's initial event, given with the listener's registration: a member joining between a
   * snapshot and a listener added after it would otherwise be logged by neither.
   */
  public void logMembership() {
    String self = nodeId();
    watch(new InitialMembershipListener() {
      @Override
      public void init(InitialMembershipEvent event) {
        List<String> seen = event.getMembers().stream().map(ClusterView::nodeIdOf).toList();
        log.info("Cluster node {} sees {} member{}: {}", self, seen.size(), seen.size() == 1 ? "" : "s", seen);
      }

      @Override
      public void memberAdded(MembershipEvent event) {
        log.info("Cluster node {} joined; {} members", nodeIdOf(event.getMember()), event.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        log.warn("Cluster node {} left; {} members", nodeIdOf(event.getMember()), event.getMembers().size());
      }
    });
  }

  /**
   * Calls {@code left} with the node id of each member that leaves, on a Hazelcast thread.
   *
   * @return what stops the calls
   */
  public Runnable onLeave(Consumer<String> left) {
    return watch(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        left.accept(nodeIdOf(event.getMember()));
      }
    });
  }

  /** Who serves an address: one entry per consumer, with its node id. */
  public void registrations(String address, Completable<List<RegistrationInfo>> result) {
    manager.getRegistrations(address, result);
  }

  /** The Vert.x node id of a member, as {@link #nodeId()} and {@link #members()} give them. */
  public static String nodeIdOf(Member member) {
    String id = member.getAttribute(NODE_ID_ATTRIBUTE);
    return id != null ? id : member.getUuid().toString();
  }

  /** Not {@link ClusterManager#nodeListener}: it has one slot, and the clustered bus uses it. */
  private Runnable watch(MembershipListener listener) {
    if (!(manager instanceof HazelcastClusterManager hazelcast)) {
      return () -> { };
    }
    Cluster members = hazelcast.getHazelcastInstance().getCluster();
    UUID id = members.addMembershipListener(listener);
    return () -> members.removeMembershipListener(id);
  }
}
