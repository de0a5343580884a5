import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunContext } from '../task-runner.js';

/** The file Kestra's `executionContext: true` writes in the working directory, and the variable that names it. */
export const EXECUTION_CONTEXT_FILE = '.kestra-execution-context.json';
export const EXECUTION_CONTEXT_VARIABLE = 'KESTRA_EXECUTION_CONTEXT_FILE';

// The variables a flow renders with, minus envs and globals (scripts read those from their environment), as Kestra writes them.
const KEYS = ['flow', 'execution', 'task', 'taskrun', 'inputs', 'outputs', 'labels', 'vars', 'trigger'];

/** Writes the execution context for a script; the returned function removes it, so that no later task inherits it. */
export async function writeExecutionContext(ctx: RunContext, workingDir: string): Promise<{ file: string; remove(): Promise<void> }> {
  const file = path.join(workingDir, EXECUTION_CONTEXT_FILE);
  const context = Object.fromEntries(KEYS.filter((key) => ctx.variables[key] !== undefined).map((key) => [key, ctx.variables[key]]));
  await writeFile(file, JSON.stringify(context), { mode: 0o600 });
  return { file, remove: () => rm(file, { force: true }) };
}
