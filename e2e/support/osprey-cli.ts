import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliMain = resolve(repoRoot, 'apps/cli/dist/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built entry point of one service's own app (`nx serve <role>` runs it). */
export const appMain = (role: string): string => resolve(repoRoot, `apps/${role}/dist/main.js`);

/** Runs the built `osprey` command as a user would, and collects its output. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return runNode(cliMain, args, options);
}

/** Runs a built entry point (the CLI, a service's app) with Node, and collects its output. */
export function runNode(main: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: repoRoot, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Runs a command (a Python tool, a script) to its end or until `limitMs`, whichever comes first, with stdout and
 * stderr as one text; unbuffered Python, so that the output of a killed run is whole up to its end.
 */
export function runBounded(command: string[], limitMs: number, cwd = repoRoot): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output, timedOut });
    });
  });
}

/** Osprey's own test flows (namespace io.osprey.tests). */
const ownFlowsDir = resolve(repoRoot, 'e2e/flows');

/**
 * Runs one of e2e/flows through the built `osprey flow test`, with the flows it calls (`needs`, from the same
 * folder) and `--input`s; its JSON result. A non-zero exit throws with its stderr.
 */
export async function testOwnFlow<E>(flow: string, options: { needs?: readonly string[]; inputs?: Record<string, string> } = {}): Promise<{ execution: E; triggered: E[] }> {
  const needsDir = mkdtempSync(join(tmpdir(), 'osprey-own-flow-'));
  try {
    for (const need of options.needs ?? []) copyFileSync(join(ownFlowsDir, need), join(needsDir, need));
    const args = ['flow', 'test', join(ownFlowsDir, flow), '--flows', needsDir, '--timeout', '60'];
    for (const [key, value] of Object.entries(options.inputs ?? {})) args.push('--input', `${key}=${value}`);
    const result = await runCli(args, { timeoutMs: 90_000 });
    if (result.code !== 0) throw new Error(`${flow}: exit ${result.code}: ${result.stderr.trim()}`);
    return JSON.parse(result.stdout) as { execution: E; triggered: E[] };
  } finally {
    rmSync(needsDir, { recursive: true, force: true });
  }
}

/** Runs `tasks` with at most `limit` at a time, keeping results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
