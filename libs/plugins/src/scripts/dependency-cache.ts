import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { abortableDelay } from '../support/abortable-delay.js';
import { TaskAbortedError } from '../support/task-errors.js';

const READY = '.osprey-ready';
const POLL_MS = 200;

/** Environments being built by this process, so that two tasks needing the same one wait for one build. */
const building = new Map<string, Promise<string>>();

/**
 * The folder `root/key`, built once by `build` and then reused by every task that asks for the same key, across
 * tasks and worker processes sharing `root`. A lock file next to the folder makes other processes wait for the build;
 * a lock left by a dead process on this host is taken over. Environments are built in place (a Python venv is not
 * relocatable), and a folder without its ready marker is a failed or interrupted build, built again.
 */
export async function cachedEnvironment(root: string, key: string, signal: AbortSignal, build: (directory: string) => Promise<void>): Promise<string> {
  const directory = path.join(root, key);
  const pending = building.get(directory);
  if (pending) {
    try {
      return await pending;
    } catch (error) {
      // The task that started the build was killed; this one still wants the environment.
      if (error instanceof TaskAbortedError && !signal.aborted) return cachedEnvironment(root, key, signal, build);
      throw error;
    }
  }
  const promise = buildOnce(directory, signal, build).finally(() => building.delete(directory));
  building.set(directory, promise);
  return promise;
}

async function buildOnce(directory: string, signal: AbortSignal, build: (directory: string) => Promise<void>): Promise<string> {
  const lock = `${directory}.lock`;
  await mkdir(path.dirname(directory), { recursive: true });
  for (;;) {
    if (await exists(path.join(directory, READY))) return directory;
    if (await acquire(lock)) break;
    if (await staleLock(lock)) {
      await rm(lock, { force: true });
      continue;
    }
    await abortableDelay(POLL_MS, signal);
  }
  try {
    // Built by another process between our check and our lock.
    if (await exists(path.join(directory, READY))) return directory;
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory, { recursive: true });
    try {
      await build(directory);
    } catch (error) {
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
    await (await open(path.join(directory, READY), 'w')).close();
    return directory;
  } finally {
    await rm(lock, { force: true });
  }
}

async function acquire(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx');
    await handle.writeFile(JSON.stringify({ host: hostname(), pid: process.pid }));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A lock whose owner was a process of this host that no longer runs. */
async function staleLock(lock: string): Promise<boolean> {
  let owner: { host?: string; pid?: number };
  try {
    owner = JSON.parse(await readFile(lock, 'utf8')) as { host?: string; pid?: number };
  } catch {
    // Gone already, or still being written by its owner: not stale.
    return false;
  }
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
