import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { TaskFailure } from '../task-runner.js';

export interface ChildProcessOptions {
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  /** How long a SIGTERM'd process group may take before SIGKILL. */
  killGraceMs: number;
  /** How long output may stay open after the main process exits (a background child holding it). */
  drainGraceMs: number;
}

export interface ChildProcessResult {
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  exitSignal: NodeJS.Signals | null;
  aborted: boolean;
}

/**
 * Runs a command in its own process group and streams its output line by line. Aborting `signal`
 * sends SIGTERM to the whole group (so children die too), then SIGKILL after `killGraceMs`.
 */
export async function runChildProcess(options: ChildProcessOptions): Promise<ChildProcessResult> {
  const [file, ...args] = options.command;
  if (!file) throw new TaskFailure('No command to run: the interpreter is empty');
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new TaskFailure(`Unable to start '${file}': ${error.message}`)));
  });
  await spawned;

  const pid = child.pid!;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone, which is what we wanted.
    }
  };

  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    aborted = true;
    signalGroup('SIGTERM');
    killTimer = setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs);
    killTimer.unref();
  };
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });

  const stdout = createInterface({ input: child.stdout, crlfDelay: Infinity });
  const stderr = createInterface({ input: child.stderr, crlfDelay: Infinity });
  stdout.on('line', (line) => options.onLine(line, 'stdout'));
  stderr.on('line', (line) => options.onLine(line, 'stderr'));
  const drained = Promise.all([once(stdout, 'close'), once(stderr, 'close')]);

  try {
    const [exitCode, exitSignal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    // Output stays open while a background child of the script holds it: give it a moment, then end the group.
    let drainTimer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      drainTimer = setTimeout(() => resolve('timeout'), options.drainGraceMs);
    });
    const outcome = await Promise.race([drained, timeout]);
    clearTimeout(drainTimer);
    if (outcome === 'timeout') {
      signalGroup('SIGKILL');
      stdout.close();
      stderr.close();
      child.stdout.destroy();
      child.stderr.destroy();
    }
    return { exitCode, exitSignal, aborted };
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
}
