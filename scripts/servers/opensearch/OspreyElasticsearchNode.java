// One embedded Elasticsearch 7.17 node for tests (see ../opensearch.mjs): `<httpPort> <transportPort> <baseDir> [clusterName]`.
// Central has the server and some modules as jars but no distribution, so the node is built here with the plugins
// found on the classpath (Netty transport, reindex for delete-by-query, mapper extras).
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;

public final class OspreyElasticsearchNode extends Node {
  private static final String[] PLUGINS = {
    "org.elasticsearch.transport.Netty4Plugin",
    "org.elasticsearch.reindex.ReindexPlugin",
    "org.elasticsearch.index.reindex.ReindexPlugin",
    "org.elasticsearch.index.mapper.MapperExtrasPlugin",
  };

  private OspreyElasticsearchNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
    super(environment, plugins, true);
  }

  public static void main(String[] args) throws Exception {
    String httpPort = args[0];
    String transportPort = args[1];
    String baseDir = args[2];
    String clusterName = args.length > 3 ? args[3] : "osprey-test";
    Settings settings = Settings.builder()
        .put("path.home", baseDir)
        .put("path.data", baseDir + "/data")
        .put("path.logs", baseDir + "/logs")
        .put("cluster.name", clusterName)
        .put("node.name", "node-1")
        .put("network.host", "127.0.0.1")
        .put("http.port", httpPort)
        .put("transport.port", transportPort)
        .put("discovery.type", "single-node")
        .put("cluster.routing.allocation.disk.threshold_enabled", "false")
        .build();
    Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> "node-1");
    List<Class<? extends Plugin>> plugins = new ArrayList<>();
    for (String name : PLUGINS) {
      try {
        plugins.add(Class.forName(name).asSubclass(Plugin.class));
      } catch (ClassNotFoundException missing) {
        // Each plugin's package moved between versions: load what this classpath has.
      }
    }
    Node node = new OspreyElasticsearchNode(environment, plugins);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    node.start();
    System.out.println("OSPREY_SEARCH_NODE_READY http://127.0.0.1:" + httpPort);
    Thread.currentThread().join();
  }
}
