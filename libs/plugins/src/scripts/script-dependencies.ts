import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunContext } from '../task-runner.js';
import { TaskFailure } from '../task-runner.js';
import { TaskAbortedError } from '../support/task-errors.js';
import { cachedEnvironment } from './dependency-cache.js';
import { findProgram } from './find-program.js';
import { runInstallCommand } from './install-command.js';

const execFileAsync = promisify(execFile);

/** The standard output of a short probe of an interpreter (its version), failing the task as a kill or a clear error. */
async function probe(ctx: RunContext, program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    return (await execFileAsync(program, args, { env, signal: ctx.signal, timeout: 60_000 })).stdout.trim();
  } catch (error) {
    if (ctx.signal.aborted) throw new TaskAbortedError(ctx.signal.reason);
    throw new TaskFailure(`Task '${ctx.task.id}' (${ctx.task.type}) could not run '${program} ${args.join(' ')}': ${(error as Error).message}`);
  }
}

/** What a task's installed dependencies add to its process environment. */
export interface ScriptEnvironment {
  /** Folders put first on `PATH`. */
  binaries: string[];
  env: Record<string, string>;
  /** Removes an environment built for this run only. */
  dispose(): Promise<void>;
}

export interface DependencyRequest {
  /** Packages as the task lists them (pip requirement lines, npm package specs). */
  dependencies: string[];
  /** Folder of the cached environments; undefined builds one for this run only. */
  cacheRoot: string | undefined;
  /** The environment the installers run with (the task's own, PATH included). */
  env: NodeJS.ProcessEnv;
}

/** The sorted, de-duplicated package list, and the key of its environment: what runs them plus the list. */
function cacheKey(identity: unknown, dependencies: string[]): { list: string[]; key: string } {
  const list = [...new Set(dependencies.map((d) => d.trim()).filter(Boolean))].sort();
  const key = createHash('sha256').update(JSON.stringify({ identity, list })).digest('hex').slice(0, 32);
  return { list, key };
}

async function environmentFolder(ctx: RunContext, request: DependencyRequest, kind: string, key: string, build: (directory: string) => Promise<void>) {
  if (request.cacheRoot !== undefined) {
    const directory = await cachedEnvironment(path.join(request.cacheRoot, kind), key, ctx.signal, build);
    return { directory, dispose: async () => undefined };
  }
  const directory = await mkdtemp(path.join(tmpdir(), `osprey-${kind}-`));
  const dispose = () => rm(directory, { recursive: true, force: true });
  try {
    await build(directory);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { directory, dispose };
}

/**
 * A Python virtual environment holding `dependencies`, made with uv when `useUv` and uv is on the PATH, else with
 * `python -m venv` and pip. The task runs with it activated: `VIRTUAL_ENV` set and its `bin` first on the PATH.
 */
export async function pythonEnvironment(ctx: RunContext, python: string, useUv: boolean, request: DependencyRequest): Promise<ScriptEnvironment> {
  const uv = useUv ? await findProgram('uv', request.env['PATH']) : undefined;
  // The venv belongs to one interpreter: its path and version are part of the key.
  const identity = await probe(ctx, python, ['-c', 'import sys; print(sys.executable); print(sys.version)'], request.env);
  const { list, key } = cacheKey({ python: identity, tool: uv ? 'uv' : 'pip' }, request.dependencies);
  ctx.logger.debug(`Python dependencies ${JSON.stringify(list)} with ${uv ?? 'pip'}`);
  const { directory, dispose } = await environmentFolder(ctx, request, 'python', key, async (directory) => {
    const requirements = path.join(directory, 'requirements.txt');
    const venvPython = path.join(directory, 'bin', 'python');
    const options = { cwd: directory, env: request.env };
    // The venv first: uv refuses to create one in a folder that holds anything.
    if (uv) {
      await runInstallCommand(ctx, 'Creating a Python environment with uv', [uv, 'venv', '--quiet', '--python', python, directory], options);
      await writeFile(requirements, `${list.join('\n')}\n`);
      await runInstallCommand(ctx, `Installing ${list.join(', ')} with uv`, [uv, 'pip', 'install', '--quiet', '--python', venvPython, '--requirement', requirements], options);
    } else {
      await runInstallCommand(ctx, `Creating a Python environment with '${python} -m venv' (on Debian, install python3-venv, or put uv on the PATH)`, [python, '-m', 'venv', directory], options);
      await writeFile(requirements, `${list.join('\n')}\n`);
      await runInstallCommand(
        ctx,
        `Installing ${list.join(', ')} with pip`,
        [venvPython, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--requirement', requirements],
        options,
      );
    }
  });
  return { binaries: [path.join(directory, 'bin')], env: { VIRTUAL_ENV: directory }, dispose };
}

/** A folder of npm packages holding `dependencies`, found by `require` through NODE_PATH and by the shell through PATH. */
export async function nodeModules(ctx: RunContext, node: string, request: DependencyRequest): Promise<ScriptEnvironment> {
  const npm = await findProgram('npm', request.env['PATH']);
  if (!npm) throw new TaskFailure(`Task '${ctx.task.id}' (${ctx.task.type}) cannot install its dependencies: npm is not on the worker's PATH`);
  // Native modules are built for one Node.js version: it is part of the key.
  const version = await probe(ctx, node, ['--version'], request.env);
  const { list, key } = cacheKey({ node: version }, request.dependencies);
  ctx.logger.debug(`Node.js dependencies ${JSON.stringify(list)} with npm`);
  const { directory, dispose } = await environmentFolder(ctx, request, 'node', key, async (directory) => {
    await writeFile(path.join(directory, 'package.json'), '{ "private": true }\n');
    await runInstallCommand(
      ctx,
      `Installing ${list.join(', ')} with npm`,
      [npm, 'install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error', '--prefix', directory, ...list],
      { cwd: directory, env: request.env },
    );
  });
  const modules = path.join(directory, 'node_modules');
  const inherited = request.env['NODE_PATH'];
  return { binaries: [path.join(modules, '.bin')], env: { NODE_PATH: inherited ? `${modules}${path.delimiter}${inherited}` : modules }, dispose };
}
