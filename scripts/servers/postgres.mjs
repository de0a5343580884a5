// PostgreSQL test server from Debian's packages: installed with apt once per machine, a fresh cluster in the
// run folder, on a free 127.0.0.1 port with a private socket folder. See README.md here and docs/backends.md.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDebianPackage } from './_debian.mjs';
import { freePort } from './_process.mjs';

export const name = 'postgres';

const PACKAGE = 'postgresql';
const BIN = '/usr/lib/postgresql/15/bin';

let dataDir;
let pid;

function run(command, args, { asUser } = {}) {
  const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${(result.stderr || result.stdout || '').trim()}`);
  return result.stdout;
}

export async function start({ runDir, log }) {
  ensureDebianPackage(PACKAGE, join(BIN, 'initdb'), log);
  const asRoot = process.getuid?.() === 0;
  // The cluster must not belong to root: run it as the `postgres` user, who needs to reach the run folder.
  const asUser = asRoot ? 'postgres' : undefined;
  mkdirSync(runDir, { recursive: true });
  if (asRoot) {
    chmodSync(dirname(runDir), 0o711);
    chmodSync(runDir, 0o711);
  }
  dataDir = join(runDir, 'data');
  const socketDir = join(runDir, 'socket');
  for (const dir of [dataDir, socketDir]) {
    mkdirSync(dir, { recursive: true });
    if (asRoot) run('chown', ['postgres:postgres', dir]);
  }
  run(join(BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { asUser });
  const port = await freePort();
  appendFileSync(
    join(dataDir, 'postgresql.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${socketDir}'`,
      'max_connections = 400',
      'shared_buffers = 256MB',
      '',
    ].join('\n'),
  );
  const logFile = join(runDir, 'postgres.log');
  if (asRoot) {
    run('touch', [logFile]);
    run('chown', ['postgres:postgres', logFile]);
  }
  run(join(BIN, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], { asUser });
  pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  log(`PostgreSQL 15 (pid ${pid}) on 127.0.0.1:${port}, data in ${dataDir}`);
  return { OSPREY_TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

function alive(processId) {
  try {
    process.kill(processId, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGINT is PostgreSQL's fast shutdown: running transactions are rolled back, then the postmaster exits. */
export async function stop() {
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  pid = undefined;
}
