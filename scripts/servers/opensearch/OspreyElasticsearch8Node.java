// One embedded Elasticsearch 8/9 node for tests (see ../opensearch.mjs): `<httpPort> <transportPort> <baseDir> [clusterName]`.
// Central has only the server and the Netty transport as jars (no distribution, no modules such as reindex or
// rest-root): the node is built with the Netty plugin through the package-private NodeConstruction, hence this
// package. MockPluginsService (from the test framework jar, its dependencies excluded) takes classpath plugins.
package org.elasticsearch.node;

import java.util.List;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

public final class OspreyElasticsearch8Node {
  private OspreyElasticsearch8Node() {}

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
    LogConfigurator.configureESLogging();
    LogConfigurator.configureWithoutConfig(settings);
    Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, java.util.Collections.emptyMap(), null, () -> "node-1");
    NodeServiceProvider services = new NodeServiceProvider() {
      @Override
      PluginsService newPluginService(Environment env, PluginsLoader loader) {
        return new MockPluginsService(env.settings(), env, List.of(Netty4Plugin.class));
      }
    };
    Node node = new Node(NodeConstruction.prepareConstruction(environment, null, services, true));
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
