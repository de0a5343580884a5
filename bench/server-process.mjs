// Runs `osprey server local` as a child process, as users run it, and reads its memory from /proc.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export class ServerProcess {
  /** @param {import('node:child_process').ChildProcess} child */
  constructor(child, url, dataDir) {
    this.child = child;
    this.url = url;
    this.dataDir = dataDir;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid() {
    return this.child.pid;
  }

  /**
   * Starts the CLI (by default `server local` with the default configuration on an empty data dir) and resolves
   * once it listens. Its JSON log lines go to `<dataDir>/server.log`, off the harness's event loop.
   */
  static async start({ root, dataDir, nodeArgs = [], command = ['server', 'local', '--data-dir', dataDir], timeoutMs = 30_000 }) {
    const child = spawn(
      process.execPath,
      [...nodeArgs, join(root, 'apps/cli/dist/main.js'), ...command, '--port', '0'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } },
    );
    const log = createWriteStream(join(dataDir, 'server.log'));
    child.stderr.pipe(log, { end: false });
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not listen within ${timeoutMs} ms; see ${join(dataDir, 'server.log')}`)), timeoutMs);
      child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening; see ${join(dataDir, 'server.log')}`)));
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        const match = /"url":"(http:\/\/[^"]+)"/.exec(line);
        if (match && line.includes('listening')) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    return new ServerProcess(child, url, dataDir);
  }

  /** VmRSS (current) and VmHWM (peak since start or the last resetPeak) in bytes. */
  async memory() {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: field('VmRSS'), peak: field('VmHWM') };
  }

  /** CPU time the server used so far (user + system), in ms; clock ticks of /proc/<pid>/stat at 100 Hz. */
  async cpuMs() {
    const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Resets VmHWM to the current RSS (Linux clear_refs 5), so each benchmark gets its own peak. */
  async resetPeak() {
    try {
      await writeFile(`/proc/${this.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM and wait: the server shuts down gracefully (and writes its CPU profile if asked to). */
  async stop(timeoutMs = 30_000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** Busy and total CPU time of the whole machine so far (all cores, /proc/stat), in clock ticks. */
export async function machineCpuTicks() {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Samples the server's RSS every `intervalMs` and keeps the maximum, beside the kernel's own VmHWM. */
export class RssSampler {
  constructor(server, intervalMs = 50) {
    this.server = server;
    this.max = 0;
    this.samples = 0;
    this.timer = setInterval(() => {
      this.server
        .memory()
        .then(({ rss }) => {
          this.samples++;
          if (rss > this.max) this.max = rss;
        })
        .catch(() => {});
    }, intervalMs);
  }

  static async start(server, intervalMs) {
    await server.resetPeak();
    return new RssSampler(server, intervalMs);
  }

  /** The peak over the sampling period: the larger of the sampled maximum and VmHWM. */
  async stop() {
    clearInterval(this.timer);
    const { rss, peak } = await this.server.memory();
    return Math.max(this.max, peak, rss);
  }
}
