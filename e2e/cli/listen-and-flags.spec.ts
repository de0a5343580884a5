import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { appMain, runCli, runNode } from '../support/osprey-cli.js';
import { httpJson, OspreyProcess } from '../support/osprey-process.js';

/**
 * Where Osprey listens and which flags its processes take: `server local` runs shell tasks for whoever reaches its
 * API, so it listens on the loopback interface and refuses an open API on a reachable address unless told, by a flag
 * that names the risk. Every process entry point answers --help, honours --port and refuses what it does not know.
 */

const BAD_USAGE = 2;
const ROLES = ['executor', 'worker', 'scheduler', 'webserver', 'indexer'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** An IPv4 address of this machine that other machines could reach, if it has one. */
function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic && nic.family === 'IPv4' && !nic.internal)?.address;
}

describe('where osprey server local listens', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'osprey-listen-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('listens on 127.0.0.1 by default and says so', async () => {
    const server = new OspreyProcess('local', ['server', 'local', '--port', '0', '--data-dir', dataDir()]);
    try {
      const listening = await server.waitForLog(/listening on/, 60_000);
      expect(listening.address).toBe('127.0.0.1');
      expect(String(listening.msg)).toContain('127.0.0.1 (loopback only)');
      expect((await httpJson(`${String(listening.url)}/health/live`)).status).toBe(200);
      const external = externalIPv4();
      if (external) {
        const port = Number(listening.port);
        await expect(fetch(`http://${external}:${port}/health/live`)).rejects.toThrow();
      }
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('refuses an API without credentials on every interface, before writing anything', async () => {
    const dir = dataDir();
    const result = await runCli(['server', 'local', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir], { timeoutMs: 60_000 });
    expect(result.code).toBe(BAD_USAGE);
    expect(result.stderr).toMatch(/refusing to serve the API on 0\.0\.0\.0 \(all interfaces\) without authentication/);
    expect(result.stderr).toContain('--insecure-no-auth');
    expect(result.stdout).not.toMatch(/listening on/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  }, 90_000);

  it('refuses the same when the address comes from OSPREY_SERVER_HOST', async () => {
    const result = await runCli(['server', 'local', '--port', '0', '--data-dir', dataDir()], { env: { OSPREY_SERVER_HOST: '0.0.0.0' }, timeoutMs: 60_000 });
    expect(result.code).toBe(BAD_USAGE);
    expect(result.stderr).toMatch(/refusing to serve the API/);
  }, 90_000);

  it('serves every interface with --insecure-no-auth, with a warning in its log', async () => {
    const server = new OspreyProcess('local', ['server', 'local', '--host', '0.0.0.0', '--insecure-no-auth', '--port', '0', '--data-dir', dataDir()]);
    try {
      const listening = await server.waitForLog(/listening on/, 60_000);
      expect(listening.address).toBe('0.0.0.0');
      expect(String(listening.msg)).toContain('0.0.0.0 (all interfaces)');
      expect(server.lines.some((l) => l.level === 'warn' && /has no authentication/.test(String(l.msg)))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('serves every interface without a warning when credentials are configured', async () => {
    const server = new OspreyProcess('local', ['server', 'local', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir()], {
      OSPREY_AUTH_TOKENS: 'a-token-of-at-least-16-chars',
    });
    try {
      const listening = await server.waitForLog(/listening on/, 60_000);
      expect(listening.address).toBe('0.0.0.0');
      expect((await httpJson(`${String(listening.url)}/api/v1/flows/search`)).status).toBe(401);
      expect(server.lines.some((l) => /has no authentication/.test(String(l.msg)))).toBe(false);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('a webserver deployed alone listens on every interface and warns that its API is open', async () => {
    const server = new OspreyProcess('webserver', ['webserver', '--port', '0', '--data-dir', dataDir()]);
    try {
      const listening = await server.waitForLog(/listening on/, 60_000);
      expect(listening.address).toBe('0.0.0.0');
      expect(server.lines.some((l) => l.level === 'warn' && /has no authentication/.test(String(l.msg)))).toBe(true);
    } finally {
      await server.stop();
    }
  }, 90_000);
});

describe("each service's own entry point (nx serve <role>)", () => {
  it('every service answers --help with its usage and exits 0 without starting', async () => {
    const results = await Promise.all(ROLES.map((role) => runNode(appMain(role), ['--help'], { timeoutMs: 60_000 })));
    results.forEach((result, i) => {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: osprey-${ROLES[i]} [options]`);
      for (const flag of ['--port', '--host', '--data-dir', '--config']) expect(result.stdout).toContain(flag);
      expect(result.stdout).not.toMatch(/listening on/);
    });
  }, 120_000);

  it('refuses an unknown flag with exit code 2, naming it', async () => {
    const result = await runNode(appMain('worker'), ['--concurency', '4'], { timeoutMs: 60_000 });
    expect(result.code).toBe(BAD_USAGE);
    expect(result.stderr).toContain("unknown option '--concurency'");
  }, 90_000);

  it('listens on the port --port names', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'osprey-executor-port-'));
    const executor = new OspreyProcess('executor', [`--port=${port}`, '--data-dir', dir], {}, appMain('executor'));
    try {
      const listening = await executor.waitForLog(/listening on/, 60_000);
      expect(listening.port).toBe(port);
      expect((await httpJson(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    } finally {
      await executor.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('reads OSPREY_CONFIG, and refuses a configuration variable that names no key', async () => {
    const result = await runNode(appMain('worker'), ['--port', '0'], { env: { OSPREY_WORKER_CONCURENCY: '4' }, timeoutMs: 60_000 });
    expect(result.code).toBe(BAD_USAGE);
    expect(result.stderr).toMatch(/OSPREY_WORKER_CONCURENCY names no configuration key.*OSPREY_WORKER_CONCURRENCY/);
    const missing = await runNode(appMain('worker'), ['--port', '0'], { env: { OSPREY_CONFIG: '/nonexistent/osprey.yaml' }, timeoutMs: 60_000 });
    expect(missing.code).toBe(BAD_USAGE);
    expect(missing.stderr).toContain('/nonexistent/osprey.yaml does not exist');
  }, 90_000);
});

describe('osprey CLI flags', () => {
  it('refuses a --port that is not a port, naming the flag', async () => {
    const result = await runCli(['server', 'local', '--port', '80a'], { timeoutMs: 60_000 });
    expect(result.code).toBe(BAD_USAGE);
    expect(result.stderr).toMatch(/--port <port>' argument '80a' is invalid/);
  }, 90_000);

  it('refuses a --worker-group that is not a group key, naming the flag', async () => {
    const flag = await runCli(['worker', '--port', '0', '--worker-group', 'gpu 1'], { timeoutMs: 60_000 });
    expect(flag.code).toBe(BAD_USAGE);
    expect(flag.stderr).toMatch(/--worker-group <key>' argument 'gpu 1' is invalid/);
  }, 90_000);

  it('refuses an unknown flag of a subcommand with exit code 2', async () => {
    const result = await runCli(['server', 'standalone', '--data-dri', '/tmp/x'], { timeoutMs: 60_000 });
    expect(result.code).toBe(BAD_USAGE);
    expect(result.stderr).toContain("unknown option '--data-dri'");
  }, 90_000);

  it('refuses a flow test --timeout that is not a number of seconds, and an unknown --log-level', async () => {
    const [timeout, level] = await Promise.all([
      runCli(['flow', 'test', 'e2e/flows/sleep-short.yaml', '--timeout', 'abc'], { timeoutMs: 60_000 }),
      runCli(['flow', 'test', 'e2e/flows/sleep-short.yaml', '--log-level', 'loud'], { timeoutMs: 60_000 }),
    ]);
    expect(timeout.code).toBe(BAD_USAGE);
    expect(timeout.stderr).toMatch(/--timeout <seconds>' argument 'abc' is invalid/);
    expect(level.code).toBe(BAD_USAGE);
    expect(level.stderr).toMatch(/--log-level <level>' argument 'loud' is invalid/);
  }, 90_000);
});
