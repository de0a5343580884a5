import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { ScriptTask } from './script-task.js';

// Real installs from PyPI and the npm registry into a cache under a temporary folder: slow the first time.
const INSTALL_TIMEOUT = 300_000;
const SCRIPTS = 'io.kestra.plugin.scripts';
const cacheRoots: string[] = [];
async function cacheRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'osprey-dependency-cache-'));
  cacheRoots.push(root);
  return root;
}
const contexts: TestRunContext[] = [];
async function context(type: string, properties: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 'deps', type, ...properties } as Task });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});
afterAll(async () => {
  await Promise.all(cacheRoots.map((root) => rm(root, { recursive: true, force: true })));
});

const KESTRA_PYTHON = [
  'import os, sys',
  'from tabulate import tabulate',
  'from kestra import Kestra',
  'print(tabulate([["a", 1]], tablefmt="plain"))',
  'Kestra.outputs({"prefix": sys.prefix, "env": os.environ["VIRTUAL_ENV"]})',
  'Kestra.counter("rows", 2, {"table": "t"})',
  'Kestra.timer("load", 1.5)',
].join('\n');

describe('python dependencies', () => {
  it(
    'installs them once into a cached venv that Kestra helpers report outputs and metrics from',
    async () => {
      const cache = await cacheRoot();
      const first = await context(`${SCRIPTS}.python.Script`, { dependencies: ['tabulate', 'kestra'], script: KESTRA_PYTHON });
      const { outputs } = await new ScriptTask('python', 'script', { dependencyCache: cache }).run(first);
      const vars = outputs?.['vars'] as Record<string, string>;
      expect(first.messages('INFO')).toEqual(['a  1']);
      expect(first.messages('DEBUG')).toContain('Installing kestra, tabulate with pip');
      expect(vars['prefix']).toBe(vars['env']);
      expect(path.dirname(vars['prefix']!)).toBe(path.join(cache, 'python'));
      expect(first.metrics).toEqual([
        { name: 'rows', type: 'counter', value: 2, tags: { table: 't' } },
        { name: 'load', type: 'timer', value: 1.5 },
      ]);

      // The same set, listed in another order and with a duplicate, is the same environment: nothing is installed again.
      const second = await context(`${SCRIPTS}.python.Commands`, {
        dependencies: ['kestra', 'tabulate', 'kestra '],
        inputFiles: { 'main.py': KESTRA_PYTHON },
        commands: ['python main.py'],
      });
      const again = await new ScriptTask('python', 'commands', { dependencyCache: cache }).run(second);
      expect((again.outputs?.['vars'] as Record<string, string>)['prefix']).toBe(vars['prefix']);
      expect(second.messages('DEBUG').some((m) => m.startsWith('Installing'))).toBe(false);
      expect((await readdir(path.join(cache, 'python'))).filter((name) => !name.endsWith('.lock'))).toHaveLength(1);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'builds a fresh environment with pip and removes it after the run when dependencyCacheEnabled is false',
    async () => {
      const cache = await cacheRoot();
      const ctx = await context(`${SCRIPTS}.python.Script`, {
        dependencies: '["tabulate"]',
        dependencyCacheEnabled: false,
        packageManager: 'PIP',
        script: 'import sys, tabulate\nprint(sys.prefix)',
      });
      await new ScriptTask('python', 'script', { dependencyCache: cache }).run(ctx);
      const prefix = ctx.messages('INFO')[0]!;
      expect(prefix.startsWith(path.join(tmpdir(), 'osprey-python-'))).toBe(true);
      expect(existsSync(prefix)).toBe(false);
      expect(await readdir(cache)).toEqual([]);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'fails the run with pip\'s error when a package does not exist',
    async () => {
      const cache = await cacheRoot();
      const ctx = await context(`${SCRIPTS}.python.Script`, { dependencies: ['osprey-no-such-package-7f3a9c'], packageManager: 'PIP', script: 'print(1)' });
      await expect(new ScriptTask('python', 'script', { dependencyCache: cache }).run(ctx)).rejects.toThrow(
        /Installing osprey-no-such-package-7f3a9c with pip failed \(exit code 1\):[\s\S]*osprey-no-such-package-7f3a9c/,
      );
      // The failed build leaves nothing a later run would take for a ready environment.
      expect((await readdir(path.join(cache, 'python'))).filter((name) => !name.endsWith('.lock'))).toEqual([]);
    },
    INSTALL_TIMEOUT,
  );
});

describe('an interpreter that cannot be probed', () => {
  it('fails the run naming the task and the command', async () => {
    const bin = await cacheRoot();
    await writeFile(path.join(bin, 'python3'), '#!/bin/sh\necho "broken interpreter" >&2\nexit 3\n', { mode: 0o755 });
    const ctx = await context(`${SCRIPTS}.python.Script`, { dependencies: ['tabulate'], env: { PATH: `${bin}${path.delimiter}${process.env['PATH']}` }, script: 'print(1)' });
    await expect(new ScriptTask('python', 'script', { dependencyCache: await cacheRoot() }).run(ctx)).rejects.toThrow(
      /^Task 'deps' \(io.kestra.plugin.scripts.python.Script\) could not run 'python3 -c import sys; .*broken interpreter/s,
    );
  });
});

describe('python dependencies with uv', () => {
  it(
    'installs with the uv on the PATH, unless packageManager is PIP',
    async () => {
      // uv itself comes from PyPI into a throwaway venv; only its binary is put on the tasks' PATH.
      const tools = await cacheRoot();
      execFileSync('python3', ['-m', 'venv', path.join(tools, 'venv')]);
      execFileSync(path.join(tools, 'venv', 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', 'uv'], { timeout: INSTALL_TIMEOUT });
      await mkdir(path.join(tools, 'bin'));
      await symlink(path.join(tools, 'venv', 'bin', 'uv'), path.join(tools, 'bin', 'uv'));
      const baseEnv = { ...process.env, PATH: `${path.join(tools, 'bin')}${path.delimiter}${process.env['PATH']}` };
      const cache = await cacheRoot();

      const withUv = await context(`${SCRIPTS}.python.Script`, { dependencies: ['tabulate'], script: 'import sys, tabulate\nprint(sys.prefix)' });
      await new ScriptTask('python', 'script', { dependencyCache: cache, baseEnv }).run(withUv);
      expect(withUv.messages('DEBUG')).toContain('Installing tabulate with uv');
      expect(path.dirname(withUv.messages('INFO')[0]!)).toBe(path.join(cache, 'python'));

      const withPip = await context(`${SCRIPTS}.python.Script`, { dependencies: ['tabulate'], packageManager: 'PIP', script: 'import sys, tabulate\nprint(sys.prefix)' });
      await new ScriptTask('python', 'script', { dependencyCache: cache, baseEnv }).run(withPip);
      expect(withPip.messages('DEBUG')).toContain('Installing tabulate with pip');
      // Another installer is another environment.
      expect(withPip.messages('INFO')[0]).not.toBe(withUv.messages('INFO')[0]);
    },
    // uv's own wheel is large: its download is part of this test.
    2 * INSTALL_TIMEOUT,
  );
});

describe('node dependencies', () => {
  it(
    'installs them once with npm into a cached folder that require() finds, and @kestra-io/libs reports outputs',
    async () => {
      const cache = await cacheRoot();
      const script = [
        "const Kestra = require('@kestra-io/libs');",
        "Kestra.outputs({ modules: process.env.NODE_PATH.split(':')[0] });",
        "Kestra.gauge('queue', 4);",
      ].join('\n');
      const ctx = await context(`${SCRIPTS}.node.Script`, { dependencies: ['@kestra-io/libs'], script });
      const { outputs } = await new ScriptTask('node', 'script', { dependencyCache: cache }).run(ctx);
      const modules = (outputs?.['vars'] as Record<string, string>)['modules']!;
      expect(path.relative(cache, modules).split(path.sep)[0]).toBe('node');
      expect(ctx.metrics).toEqual([{ name: 'queue', type: 'gauge', value: 4 }]);
      expect(ctx.messages('DEBUG')).toContain('Installing @kestra-io/libs with npm');

      const commands = await context(`${SCRIPTS}.node.Commands`, {
        dependencies: ['@kestra-io/libs'],
        inputFiles: { 'main.js': script },
        commands: ['node main.js'],
      });
      const again = await new ScriptTask('node', 'commands', { dependencyCache: cache }).run(commands);
      expect((again.outputs?.['vars'] as Record<string, string>)['modules']).toBe(modules);
      expect(commands.messages('DEBUG').some((m) => m.startsWith('Installing'))).toBe(false);
    },
    INSTALL_TIMEOUT,
  );
});
