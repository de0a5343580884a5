// Redis test server from Debian's packages: installed with apt once per machine, started as the current user on a
// free 127.0.0.1 port with its data folder in the run folder. See README.md here and docs/backends.md.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { ensureDebianPackage } from './_debian.mjs';
import { freePort } from './_process.mjs';

export const name = 'redis';

const BIN = '/usr/bin/redis-server';

let child;
let exited;
let port;

/** Sends one inline command and resolves with the first reply line (or undefined when the connection fails). */
function command(text, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (reply) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write(`${text}\r\n`));
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\r\n');
      if (end >= 0) done(buffer.slice(0, end));
    });
    // SHUTDOWN closes the connection without a reply.
    socket.once('close', () => done(buffer || undefined));
  });
}

async function waitUntilReady(timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}; see ${logFile}`);
    if ((await command('PING')) === '+PONG') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on 127.0.0.1:${port} within ${timeoutMs} ms; see ${logFile}`);
}

export async function start({ runDir, log }) {
  ensureDebianPackage('redis-server', BIN, log);
  const dataDir = join(runDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  port = await freePort();
  const logFile = join(runDir, 'redis.log');
  const logFd = openSync(logFile, 'a');
  // No persistence: a test server starts empty and its data dies with it. `noeviction` is what BullMQ requires.
  child = spawn(
    BIN,
    ['--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--maxmemory-policy', 'noeviction', '--protected-mode', 'no'],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitUntilReady(15_000, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Redis (pid ${child.pid}) on 127.0.0.1:${port}, data in ${dataDir}`);
  return { OSPREY_TEST_REDIS_URL: `redis://127.0.0.1:${port}` };
}

/** SHUTDOWN NOSAVE exits at once without writing a snapshot; SIGTERM, then SIGKILL, if that does not work. */
export async function stop() {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await command('SHUTDOWN NOSAVE');
  const term = setTimeout(() => child.kill('SIGTERM'), 2_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(term);
  clearTimeout(kill);
}
