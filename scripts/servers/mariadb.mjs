// MariaDB test server from Debian's packages: installed with apt once per machine, a fresh data folder in the
// run folder, on a free 127.0.0.1 port with a private socket. See README.md here and docs/backends.md.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDebianPackage } from './_debian.mjs';
import { freePort, terminate } from './_process.mjs';

export const name = 'mariadb';

let child;

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${(result.stderr || result.stdout || '').trim()}`);
}

async function waitUntilReady(port, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited with code ${child.exitCode}; see ${logFile}`);
    const ping = spawnSync('mariadb', ['-h127.0.0.1', `-P${port}`, '-uroot', '-e', 'select 1'], { encoding: 'utf8' });
    if (ping.status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mariadbd did not answer on 127.0.0.1:${port} within ${timeoutMs} ms; see ${logFile}`);
}

export async function start({ runDir, log }) {
  ensureDebianPackage('mariadb-server', '/usr/sbin/mariadbd', log);
  const asRoot = process.getuid?.() === 0;
  mkdirSync(runDir, { recursive: true });
  const dataDir = join(runDir, 'data');
  if (asRoot) {
    // mariadbd drops to the `mysql` user, who must reach and own its folders.
    chmodSync(dirname(runDir), 0o711);
    run('chown', ['mysql:mysql', runDir]);
  }
  run('mariadb-install-db', [...(asRoot ? ['--user=mysql'] : []), `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
  const port = await freePort();
  const logFile = join(runDir, 'mariadb.log');
  const logFd = openSync(logFile, 'a');
  child = spawn(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      ...(asRoot ? ['--user=mysql'] : []),
      `--datadir=${dataDir}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      `--socket=${join(runDir, 'mysqld.sock')}`,
      `--pid-file=${join(runDir, 'mysqld.pid')}`,
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=128M',
      '--max-connections=400',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_bin',
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  try {
    await waitUntilReady(port, 30_000, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`MariaDB (pid ${child.pid}) on 127.0.0.1:${port}, data in ${dataDir}`);
  return { OSPREY_TEST_MYSQL_URL: `mysql://root@127.0.0.1:${port}/mysql` };
}

/** SIGTERM is a clean shutdown for mariadbd; SIGKILL only if it hangs. */
export async function stop() {
  await terminate(child, 15_000);
}
