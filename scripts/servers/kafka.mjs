// Kafka test server: Apache Kafka's jars from Maven Central (fetched with `mvn` once per machine into
// <cacheDir>/kafka/<version>/libs), one combined broker+controller node in KRaft mode on free 127.0.0.1
// ports with its data in the run folder. See README.md here and docs/backends.md.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort, terminate } from './_process.mjs';

export const name = 'kafka';

const VERSION = '3.9.1';
const HEAP = '320m';

let child;

const POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.osprey.test</groupId>
  <artifactId>kafka-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
`;

/** Copies Kafka's runtime jars into `<cacheDir>/kafka/<version>/libs` unless they are there; returns that folder. */
function ensureJars(cacheDir, log) {
  const home = join(cacheDir, 'kafka', VERSION);
  const libs = join(home, 'libs');
  if (existsSync(join(libs, `kafka_2.13-${VERSION}.jar`))) return libs;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.status !== 0) throw new Error('`mvn` is not on PATH: the Kafka test server fetches its jars from Maven Central with Maven');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'pom.xml'), POM);
  // Copy into a scratch folder and rename, so an interrupted download never looks like a complete install.
  const scratch = join(home, `libs.tmp-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  log(`fetching Kafka ${VERSION} jars with mvn (cold: about 15 s; cached afterwards in ${libs})`);
  const t0 = Date.now();
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(home, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${scratch}`],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (${result.status}): ${(result.stdout + result.stderr).trim().slice(-800)}`);
  rmSync(libs, { recursive: true, force: true });
  renameSync(scratch, libs);
  log(`fetched Kafka ${VERSION} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return libs;
}

function java(libs, args) {
  const result = spawnSync('java', ['-cp', join(libs, '*'), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`java ${args.join(' ')} failed (${result.status}): ${(result.stderr || result.stdout || '').trim().slice(-800)}`);
  return result.stdout;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The broker accepts connections within milliseconds of logging `Kafka Server started`: port-open is its health check. */
async function waitUntilListening(port, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Kafka exited (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Kafka did not listen on 127.0.0.1:${port} within ${timeoutMs} ms; see ${logFile}`);
}

export async function start({ cacheDir, runDir, log }) {
  const libs = ensureJars(cacheDir, log);
  const dataDir = join(runDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const [port, controllerPort] = [await freePort(), await freePort()];
  const properties = join(runDir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${dataDir}`,
      'auto.create.topics.enable=false',
      // One node: internal topics with one replica, and one partition each so the first group/transaction is quick.
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'min.insync.replicas=1',
      'group.initial.rebalance.delay.ms=0',
      // Tests use short consumer sessions; the broker's default floor (6 s) would refuse them.
      'group.min.session.timeout.ms=1000',
      // The default 128 MB dedupe buffer does not fit the small heap of a test broker.
      'log.cleaner.dedupe.buffer.size=16777216',
      'delete.topic.enable=true',
      '',
    ].join('\n'),
  );
  const log4j = join(runDir, 'log4j.properties');
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=WARN, stdout',
      'log4j.logger.kafka.server.KafkaServer=INFO',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  );
  // random-uuid prints a log line before the id: the id is the last line.
  const clusterId = java(libs, ['kafka.tools.StorageTool', 'random-uuid']).trim().split('\n').pop().trim();
  java(libs, ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties]);
  const logFile = join(runDir, 'kafka.log');
  const logFd = openSync(logFile, 'a');
  child = spawn(
    'java',
    [`-Xms${HEAP}`, `-Xmx${HEAP}`, '-XX:+UseSerialGC', `-Dlog4j.configuration=file:${log4j}`, '-cp', join(libs, '*'), 'kafka.Kafka', properties],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  try {
    await waitUntilListening(port, 90_000, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Kafka ${VERSION} (pid ${child.pid}) on 127.0.0.1:${port}, data in ${dataDir}`);
  return { OSPREY_TEST_KAFKA_BROKERS: `127.0.0.1:${port}` };
}

/** SIGTERM is Kafka's controlled shutdown; a broker stuck for 30 s is killed. */
export async function stop() {
  await terminate(child, 30_000);
  child = undefined;
}
