package example;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * {@code java -jar target/own-verticle.jar [URL]}: joins Tandem's cluster as one more member,
 * deploys {@link OwnVerticle}, and exits 0 once it has used all four services (1 if anything
 * failed). The main thread waits on the futures; the verticle itself never blocks.
 */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : "http://localhost:8888/";
    // Tandem's conf/cluster.xml, copied to src/main/resources: the cluster's name, its members on
    // loopback, no multicast. Named outright, so that Vert.x never falls back to its own
    // default-cluster.xml, which joins whoever answers a multicast.
    Config hazelcast = new ClasspathXmlConfig("cluster.xml");
    Vertx vertx;
    try {
      vertx = Vertx.builder()
          // the event bus on loopback too, where the Tandem nodes on this machine listen
          .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
          .withClusterManager(new HazelcastClusterManager(hazelcast))
          .buildClustered()
          .await();
    } catch (Exception e) {
      System.err.println("own-verticle: cannot join the cluster: " + e.getMessage());
      System.exit(1);
      return;
    }
    int status = 0;
    try {
      Promise<Void> done = Promise.promise();
      vertx.deployVerticle(new OwnVerticle(url, done)).compose(id -> done.future()).await();
    } catch (Exception e) {
      System.err.println("own-verticle: " + e.getMessage());
      status = 1;
    }
    // leaves the cluster: the Tandem nodes log it
    vertx.close().await();
    System.exit(status);
  }
}
