// Starts an image's entrypoint in its own root file system, the way a container runtime would (what the
// image tests do): `buildah from` + `buildah run --isolation chroot`, with the image's ENTRYPOINT and CMD
// (buildah run ignores them, so they are read from the image), its USER, WORKDIR and environment.
// With chroot isolation the process shares the host's network and PID space: 127.0.0.1 reaches it, and
// SIGTERM is sent to the entrypoint's PID (tini) as a kubelet would, since buildah run does not forward it.
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { buildah, buildahEnv, cacheDir, spawnBuildah, storageArgs } from './buildah.mjs';

/** Runs a command in a working container (its image's user and environment); returns exit code and output. */
export function execInContainer(container, command, env = {}, cache = cacheDir()) {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const r = spawnSync('buildah', [...storageArgs(cache), 'run', '--isolation', 'chroot', ...envArgs, container, '--', ...command], { encoding: 'utf8', env: buildahEnv() });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The root file system of a working container, as a host path (vfs: a plain directory). */
export function mountContainer(container, cache = cacheDir()) {
  return buildah(['mount', container], { cache }).trim();
}

/** The image's config: Entrypoint, Cmd, User, WorkingDir, Env, Labels, Healthcheck, ExposedPorts. */
export function imageConfig(image, cache = cacheDir()) {
  const inspected = JSON.parse(buildah(['inspect', '--type', 'image', image], { cache }));
  return inspected.Docker?.config ?? inspected.OCIv1?.config;
}

function children(pid) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * The first process below `pid` whose program is `name` (the container's PID 1, its node), by argv[0]:
 * `comm` is the main thread's name, which Node 24 sets to `MainThread`.
 */
function descendant(pid, name) {
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift();
    for (const child of children(next)) {
      try {
        const argv0 = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0')[0];
        if (argv0.slice(argv0.lastIndexOf('/') + 1) === name) return child;
      } catch {
        continue;
      }
      queue.push(child);
    }
  }
  return undefined;
}

/** Effective uid of a process, from /proc. */
export function processUid(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'));
  return Number(line.split(/\s+/)[2]);
}

/**
 * Runs the image's entrypoint; resolves once GET <url>/health/live answers 200.
 * `args` replace the image's CMD; `env` is added to the image's environment.
 */
export async function startImage(image, { port, env = {}, args, timeoutMs = 60_000, cache = cacheDir() } = {}) {
  const config = imageConfig(image, cache);
  const command = [...(config.Entrypoint ?? []), ...(args ?? config.Cmd ?? [])];
  const name = `osprey-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  buildah(['from', '--pull=never', '--name', name, image], { cache });
  const envArgs = Object.entries({ OSPREY_SERVER_PORT: String(port), OSPREY_SERVER_HOST: '127.0.0.1', ...env }).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const child = spawnBuildah(['run', '--isolation', 'chroot', ...envArgs, name, '--', ...command], { cache });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let exitCode;
  void exited.then((code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const remove = () => {
    try {
      buildah(['rm', name], { cache });
    } catch {
      // already gone
    }
  };
  let live;
  while (Date.now() - t0 < timeoutMs && exitCode === undefined) {
    try {
      const response = await fetch(`${url}/health/live`);
      if (response.status === 200) {
        live = await response.json();
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid1 = descendant(child.pid, 'tini');
  const main = pid1 ? descendant(pid1, 'node') : undefined;
  const handle = {
    url,
    container: name,
    command,
    config,
    live,
    startSeconds: (Date.now() - t0) / 1000,
    /** PIDs (host view) of the entrypoint (tini) and of node under it. */
    pid1,
    mainPid: main,
    output: () => output,
    /** SIGTERM to the container's PID 1, as on `kubectl delete pod`; resolves to buildah run's exit code. */
    async stop(graceMs = 20_000) {
      if (exitCode === undefined) {
        const target = pid1 ?? descendant(child.pid, 'tini');
        if (target) process.kill(target, 'SIGTERM');
        else child.kill('SIGTERM');
        const timer = setTimeout(() => {
          for (const pid of [main, target]) if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      remove();
      return exitCode;
    },
  };
  if (!live) {
    const code = await handle.stop(2_000);
    throw new Error(`${image} did not answer ${url}/health/live within ${timeoutMs} ms (exit ${code}); output:\n${output.slice(-3000)}`);
  }
  return handle;
}
