import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads plugins as a list from the file or comma-separated from OSPREY_PLUGINS, and refuses one listed twice or an empty name', () => {
    expect(loadConfig({ env: {} }).plugins).toEqual([]);
    expect(loadConfig({ file: file('plugins.yaml', 'plugins:\n  - osprey-plugin-hello\n  - ./local/plugin\n'), env: {} }).plugins).toEqual(['osprey-plugin-hello', './local/plugin']);
    expect(loadConfig({ env: { OSPREY_PLUGINS: 'a, ./b' } }).plugins).toEqual(['a', './b']);
    expect(() => loadConfig({ file: file('twice.yaml', 'plugins: [a, a]\n'), env: {} })).toThrow(/plugins: a plugin is listed twice/);
    expect(() => loadConfig({ file: file('empty.yaml', 'plugins: [" "]\n'), env: {} })).toThrow(/plugins\.0: a package name or a path/);
    expect(() => loadConfig({ file: file('map.yaml', 'plugins: {a: 1}\n'), env: {} })).toThrow(/plugins:/);
  });

  it('has defaults for the embedded deployment', () => {
    const config = loadConfig({ env: {} });
    expect(config.server.port).toBe(8080);
    expect(config.dataDir).toBe('./data');
    expect(config.queue.type).toBe('sqlite');
    expect(config.storage).toEqual({ type: 'local', basePath: 'storage' });
    expect(config.worker.concurrency).toBe(16);
  });

  it('reads a YAML file, then environment overrides, then explicit overrides', () => {
    const path = file('a.yaml', 'server:\n  port: 9000\nworker:\n  concurrency: 4\n  leaseMs: 20000\n');
    const config = loadConfig({ file: path, env: { OSPREY_WORKER_CONCURRENCY: '8', OSPREY_DATA_DIR: '/var/osprey', UNRELATED: 'x' }, overrides: { 'server.port': '7000' } });
    expect(config.server.port).toBe(7000);
    expect(config.worker).toMatchObject({ concurrency: 8, leaseMs: 20000 });
    expect(config.dataDir).toBe('/var/osprey');
  });

  it('accepts a file whose settings sit under `osprey:`', () => {
    expect(loadConfig({ file: file('b.yaml', 'osprey:\n  server:\n    port: 9100\n'), env: {} }).server.port).toBe(9100);
  });

  it('names the key of a wrong value', () => {
    expect(() => loadConfig({ env: { OSPREY_SERVER_PORT: 'eighty' } })).toThrow(/server\.port/);
    expect(() => loadConfig({ file: file('c.yaml', 'worker:\n  concurrency: 0\n'), env: {} })).toThrow(/worker\.concurrency/);
  });

  it('refuses an OSPREY_ variable under a section prefix that names no key, and lists the right names', () => {
    expect(() => loadConfig({ env: { OSPREY_WORKER_CONCURENCY: '4' } })).toThrow(/OSPREY_WORKER_CONCURENCY names no configuration key.*OSPREY_WORKER_CONCURRENCY/);
    expect(() => loadConfig({ env: { OSPREY_WORKER_QUEUE_ULR: 'redis://r:6379' } })).toThrow(/OSPREY_WORKER_QUEUE_ULR.*OSPREY_WORKER_QUEUE_URL/);
    expect(() => loadConfig({ env: { OSPREY_AUTH_USER: 'admin' } })).toThrow(/OSPREY_AUTH_USER.*OSPREY_AUTH_USERNAME/);
    expect(() => loadConfig({ env: { OSPREY_SERVER_HOTS: '0.0.0.0' } })).toThrow(ConfigError);
    // Variables of other tools that share the prefix but no section stay theirs.
    expect(loadConfig({ env: { OSPREY_CACHE_DIR: '/c', OSPREY_TEST_POSTGRES_URL: 'x', OSPREY_UI_DIR: '/ui' } }).server.port).toBe(8080);
  });

  it('reads the executor and worker idle and retry waits, from the file or the environment, and refuses a zero wait', () => {
    expect(loadConfig({ env: {} }).executor).toMatchObject({ idleWaitMs: 1000, retryMs: 1000 });
    expect(loadConfig({ env: {} }).worker).toMatchObject({ idleWaitMs: 1000, retryMs: 1000 });
    const config = loadConfig({ file: file('waits.yaml', 'executor:\n  retryMs: 5000\nworker:\n  idleWaitMs: 250\n'), env: { OSPREY_EXECUTOR_IDLE_WAIT_MS: '2000', OSPREY_WORKER_RETRY_MS: '3000' } });
    expect(config.executor).toMatchObject({ idleWaitMs: 2000, retryMs: 5000 });
    expect(config.worker).toMatchObject({ idleWaitMs: 250, retryMs: 3000 });
    expect(() => loadConfig({ env: { OSPREY_WORKER_RETRY_MS: '0' } })).toThrow(/worker\.retryMs/);
  });

  it('reads the search request timeout and start wait, and the Kafka session timeout', () => {
    const env = { OSPREY_QUEUE_TYPE: 'kafka', OSPREY_QUEUE_BROKERS: 'kafka:9092', OSPREY_REPOSITORY_TYPE: 'opensearch', OSPREY_REPOSITORY_URL: 'http://search:9200' };
    const defaults = loadConfig({ env });
    expect(defaults.repository).toMatchObject({ requestTimeoutMs: 30_000, startWaitMs: 120_000 });
    expect(defaults.queue).toMatchObject({ sessionTimeoutMs: 10_000 });
    const tuned = loadConfig({ env: { ...env, OSPREY_REPOSITORY_REQUEST_TIMEOUT_MS: '60000', OSPREY_REPOSITORY_START_WAIT_MS: '0', OSPREY_QUEUE_SESSION_TIMEOUT_MS: '30000' } });
    expect(tuned.repository).toMatchObject({ requestTimeoutMs: 60_000, startWaitMs: 0 });
    expect(tuned.queue).toMatchObject({ sessionTimeoutMs: 30_000 });
    expect(() => loadConfig({ env: { ...env, OSPREY_QUEUE_SESSION_TIMEOUT_MS: '10' } })).toThrow(/queue\.sessionTimeoutMs/);
    expect(() => loadConfig({ file: file('sql-timeout.yaml', 'repository:\n  requestTimeoutMs: 1000\n'), env: {} })).toThrow(/requestTimeoutMs/);
  });

  it('leaves server.host unset unless configured: each command picks its own default', () => {
    expect(loadConfig({ env: {} }).server.host).toBeUndefined();
    expect(loadConfig({ env: { OSPREY_SERVER_HOST: '::' } }).server.host).toBe('::');
  });

  it('serves tenant main unless server.tenant names another tenant id', () => {
    expect(loadConfig({ env: {} }).server.tenant).toBe('main');
    expect(loadConfig({ env: { OSPREY_SERVER_TENANT: 'acme-prod' } }).server.tenant).toBe('acme-prod');
    expect(() => loadConfig({ env: { OSPREY_SERVER_TENANT: 'a/b' } })).toThrow(/server\.tenant/);
  });

  it('rejects unknown keys, a missing file and invalid YAML with a ConfigError', () => {
    expect(() => loadConfig({ file: file('d.yaml', 'sever:\n  port: 1\n'), env: {} })).toThrow(/sever/);
    expect(() => loadConfig({ file: file('g.yaml', 'server:\n  prot: 1\n'), env: {} })).toThrow(/prot/);
    expect(() => loadConfig({ file: join(dir, 'absent.yaml'), env: {} })).toThrow(ConfigError);
    expect(() => loadConfig({ file: file('e.yaml', 'server: [\n'), env: {} })).toThrow(/not valid YAML/);
    expect(() => loadConfig({ file: file('f.yaml', '- a\n- b\n'), env: {} })).toThrow(/map of settings/);
  });
});
