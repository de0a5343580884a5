import type { RunContext } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskAbortedError } from '../support/task-errors.js';
import { runChildProcess } from './child-process-run.js';

const KEPT_LINES = 20;

/**
 * Runs a package installer (pip, uv, npm) for a task: its output goes to the task's DEBUG log, and a failure
 * fails the task with the installer's last lines of error output.
 */
export async function runInstallCommand(ctx: RunContext, what: string, command: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  ctx.logger.debug(what);
  const errors: string[] = [];
  const result = await runChildProcess({
    command,
    cwd: options.cwd,
    env: options.env,
    signal: ctx.signal,
    killGraceMs: 5_000,
    drainGraceMs: 1_000,
    onLine: (line, stream) => {
      ctx.logger.debug(line);
      if (stream === 'stderr' && line.trim() !== '' && errors.push(line) > KEPT_LINES) errors.shift();
    },
  });
  if (result.aborted) throw new TaskAbortedError(ctx.signal.reason);
  if (result.exitCode !== 0) {
    const status = result.exitCode === null ? `killed by signal ${result.exitSignal}` : `exit code ${result.exitCode}`;
    throw new TaskFailure(`${what} failed (${status})${errors.length ? `:\n${errors.join('\n')}` : ''}`);
  }
}
