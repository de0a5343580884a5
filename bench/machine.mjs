// What the numbers were measured on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

export function describeMachine(root) {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() has the model too.
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout.
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    node: process.version,
    kernel: `${process.platform} ${release()}`,
    commit,
    date: new Date().toISOString(),
    /** 1-minute load average before the run: other work on the machine skews the numbers. */
    loadBefore: loadavg()[0],
  };
}
