// S3 test server: versitygw (Apache-2.0) built from the Go module proxy once per machine, started on a
// free 127.0.0.1 port with a posix backend in the run folder. See /docs/storage.md and README.md here.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { freePort, terminate } from './_process.mjs';
import { join } from 'node:path';

export const name = 's3';

const VERSION = 'v1.8.0';
const MODULE = `github.com/versity/versitygw/cmd/versitygw@${VERSION}`;
const ACCESS_KEY = 'osprey-test';
const SECRET_KEY = 'osprey-test-secret';

let child;
let dataDir;

/** Builds the binary into `<cacheDir>/bin/versitygw-<version>` unless it is there; returns its path. */
function ensureBinary(cacheDir, log) {
  const binDir = join(cacheDir, 'bin');
  const binary = join(binDir, `versitygw-${VERSION}`);
  if (existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) throw new Error('`go` is not on PATH: the S3 test server (versitygw) is built with `go install`');
  // Build into a private GOBIN and rename, so an interrupted build never leaves a half-written binary.
  const buildBin = join(cacheDir, 'go', 'bin');
  mkdirSync(buildBin, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  log(`building ${MODULE} (cold: about 4 min; cached afterwards in ${binDir})`);
  const t0 = Date.now();
  const result = spawnSync('go', ['install', MODULE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      GOBIN: buildBin,
      GOMODCACHE: join(cacheDir, 'go', 'mod'),
      GOCACHE: join(cacheDir, 'go', 'cache'),
      GOPATH: join(cacheDir, 'go', 'path'),
      GOFLAGS: '-modcacherw -buildvcs=false',
    },
  });
  if (result.status !== 0) throw new Error(`go install ${MODULE} failed with exit code ${result.status}`);
  const built = join(buildBin, 'versitygw');
  const renamed = spawnSync('mv', [built, binary]);
  if (renamed.status !== 0) throw new Error(`could not move ${built} to ${binary}`);
  log(`built versitygw ${VERSION} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return binary;
}


/** Any HTTP answer means the gateway is serving (an unsigned request gets 403). */
async function waitUntilServing(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`versitygw exited with code ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`versitygw did not answer on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export async function start({ cacheDir, runDir, log }) {
  const binary = ensureBinary(cacheDir, log);
  dataDir = join(runDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const logFd = openSync(join(runDir, 'versitygw.log'), 'a');
  child = spawn(binary, ['--access', ACCESS_KEY, '--secret', SECRET_KEY, '--port', `127.0.0.1:${port}`, '--quiet', 'posix', dataDir], {
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  try {
    await waitUntilServing(port, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${error.message}; see ${join(runDir, 'versitygw.log')}`);
  }
  log(`versitygw ${VERSION} on 127.0.0.1:${port}, data in ${dataDir}`);
  return {
    OSPREY_TEST_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    OSPREY_TEST_S3_ACCESS_KEY: ACCESS_KEY,
    OSPREY_TEST_S3_SECRET_KEY: SECRET_KEY,
  };
}

export async function stop() {
  await terminate(child, 5_000);
  // Large test objects (the 1 GiB streaming spec) must not pile up in /tmp run after run.
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
