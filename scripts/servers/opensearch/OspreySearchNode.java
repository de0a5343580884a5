// One embedded OpenSearch node for tests (see ../opensearch.mjs). The runner's own main cannot take an HTTP port
// above 9299 nor bind to loopback only, hence this launcher: `<httpPort> <transportPort> <baseDir> [clusterName]`.
import org.codelibs.opensearch.runner.OpenSearchRunner;

public final class OspreySearchNode {
  public static void main(String[] args) throws Exception {
    int httpPort = Integer.parseInt(args[0]);
    int transportPort = Integer.parseInt(args[1]);
    String baseDir = args[2];
    String clusterName = args.length > 3 ? args[3] : "osprey-test";
    OpenSearchRunner runner = new OpenSearchRunner();
    runner.setMaxHttpPort(httpPort);
    runner.onBuild((number, settings) -> {
      settings.put("network.host", "127.0.0.1");
      settings.put("transport.port", String.valueOf(transportPort));
      // Test machines run with little free disk: never turn indices read-only over a watermark.
      settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    // Node 1 listens on baseHttpPort + 1.
    runner.build(OpenSearchRunner.newConfigs().basePath(baseDir).numOfNode(1).baseHttpPort(httpPort - 1).clusterName(clusterName));
    runner.ensureYellow();
    System.out.println("OSPREY_SEARCH_NODE_READY http://127.0.0.1:" + httpPort);
    Thread.currentThread().join();
  }
}
