import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cachedEnvironment } from './dependency-cache.js';

const roots: string[] = [];
async function root(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'osprey-cache-test-'));
  roots.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const signal = new AbortController().signal;

describe('cachedEnvironment', () => {
  it('builds a key once for concurrent and later callers', async () => {
    const cache = await root();
    let builds = 0;
    const build = async (directory: string) => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await writeFile(path.join(directory, 'made'), 'x');
    };
    const dirs = await Promise.all([cachedEnvironment(cache, 'k', signal, build), cachedEnvironment(cache, 'k', signal, build)]);
    expect(await cachedEnvironment(cache, 'k', signal, build)).toBe(dirs[0]);
    expect(dirs[1]).toBe(dirs[0]);
    expect(builds).toBe(1);
    expect(existsSync(path.join(cache, 'k', 'made'))).toBe(true);
  });

  it('removes a failed build and builds again next time', async () => {
    const cache = await root();
    await expect(cachedEnvironment(cache, 'k', signal, async () => Promise.reject(new Error('no network')))).rejects.toThrow('no network');
    expect(await readdir(cache)).toEqual([]);
    await cachedEnvironment(cache, 'k', signal, async (directory) => writeFile(path.join(directory, 'made'), 'x'));
    expect(existsSync(path.join(cache, 'k', 'made'))).toBe(true);
  });

  it('takes over the lock of a dead process of this host, and waits for a live one', async () => {
    const cache = await root();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(path.join(cache, 'k.lock'), JSON.stringify({ host: hostname(), pid: dead }));
    await cachedEnvironment(cache, 'k', signal, async (directory) => writeFile(path.join(directory, 'made'), 'x'));
    expect(existsSync(path.join(cache, 'k.lock'))).toBe(false);

    await writeFile(path.join(cache, 'other.lock'), JSON.stringify({ host: hostname(), pid: process.pid }));
    const controller = new AbortController();
    const waiting = cachedEnvironment(cache, 'other', controller.signal, async () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    await expect(waiting).rejects.toThrow('Task aborted');
    expect(existsSync(path.join(cache, 'other'))).toBe(false);
  });
});
