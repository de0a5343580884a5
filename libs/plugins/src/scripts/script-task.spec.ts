import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskAbortedError } from '../support/task-errors.js';
import { ScriptTask, type ScriptTaskOptions } from './script-task.js';

const contexts: TestRunContext[] = [];
async function context(properties: Record<string, unknown>, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 'sh', type: 'io.kestra.plugin.scripts.shell.Commands', ...properties } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
const shellCommands = (options?: ScriptTaskOptions) => new ScriptTask('shell', 'commands', options);
const shellScript = () => new ScriptTask('shell', 'script');

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

// A killed orphan may linger as a zombie when PID 1 does not reap it: that counts as gone.
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('shell.Commands', () => {
  it('runs rendered commands, logging stdout at INFO and stderr at ERROR', async () => {
    const ctx = await context({ commands: ['echo "hello {{ inputs.name }}"', 'echo oops >&2'] }, { inputs: { name: 'world' } });
    const result = await shellCommands().run(ctx);
    // Kestra's default warningOnStdErr: true — a line on standard error ends the run WARNING.
    expect(result).toEqual({ state: 'WARNING', outputs: { exitCode: 0, vars: {}, outputFiles: {} } });
    expect(ctx.logs).toContainEqual({ level: 'INFO', message: 'hello world' });
    expect(ctx.logs).toContainEqual({ level: 'ERROR', message: 'oops' });
  });

  it('fails with a message naming the exit code', async () => {
    const ctx = await context({ commands: ['echo before', 'exit 3'] });
    await expect(shellCommands().run(ctx)).rejects.toThrow('Command failed with exit code 3');
    expect(ctx.messages('INFO')).toEqual(['before']);
  });

  it('stops at the first failing command (failFast), or runs on without it', async () => {
    const fast = await context({ commands: ['false', 'echo after'] });
    await expect(shellCommands().run(fast)).rejects.toThrow('exit code 1');
    expect(fast.messages('INFO')).toEqual([]);

    const lenient = await context({ commands: ['false', 'echo after'], failFast: false });
    expect((await shellCommands().run(lenient)).outputs?.['exitCode']).toBe(0);
    expect(lenient.messages('INFO')).toEqual(['after']);
  });

  it('collects ::{"outputs":...}:: lines into vars instead of logging them', async () => {
    const ctx = await context({
      commands: [
        `echo '::{"outputs":{"count":3,"name":"a"}}::'`,
        `echo '::{"outputs":{"name":"b","nested":{"x":[1]}}}::'`,
        `echo '::{"logs":[{"level":"WARN","message":"from protocol"}]}::'`,
        `echo '::{"metrics":[{"name":"rows","type":"counter","value":5}]}::'`,
        `echo '::{not json}::'`,
      ],
    });
    const { outputs } = await shellCommands().run(ctx);
    expect(outputs?.['vars']).toEqual({ count: 3, name: 'b', nested: { x: [1] } });
    expect(ctx.logs).toContainEqual({ level: 'WARN', message: 'from protocol' });
    expect(ctx.messages('DEBUG').some((m) => m.includes('rows'))).toBe(true);
    expect(ctx.messages('WARN').some((m) => m.startsWith("Invalid outputs '::{not json}::'"))).toBe(true);
    expect(ctx.messages('INFO')).toEqual([]);
  });

  it('sends ::{"metrics":[...]}:: entries to the run context, warning about invalid ones', async () => {
    const ctx = await context({
      commands: [
        `echo '::{"metrics":[{"name":"rows","type":"counter","value":42,"tags":{"table":"birds"}},{"name":"load","type":"timer","value":1.5}]}::'`,
        `echo '::{"metrics":[{"name":"","type":"counter","value":1},{"name":"size","type":"histogram","value":3},{"name":"late","type":"counter","value":"x"}]}::' >&2`,
        `echo '::{"outputs":{"done":true},"metrics":[{"name":"rows","type":"counter","value":8},{"name":"queue","type":"gauge","value":2.5}]}::'`,
      ],
    });
    const { outputs } = await shellCommands().run(ctx);
    expect(ctx.metrics).toEqual([
      { name: 'rows', type: 'counter', value: 42, tags: { table: 'birds' } },
      { name: 'load', type: 'timer', value: 1.5 },
      { name: 'rows', type: 'counter', value: 8 },
      { name: 'queue', type: 'gauge', value: 2.5 },
    ]);
    expect(outputs?.['vars']).toEqual({ done: true });
    expect(ctx.messages('WARN')).toEqual([
      'Ignoring a metric: a metric needs a non-empty "name"',
      'Ignoring a metric: metric "size" has type "histogram"; expected "counter", "gauge" or "timer"',
      'Ignoring a metric: metric "late" has value "x"; expected a finite number',
    ]);
  });

  it('passes env, WORKING_DIR and OUTPUT_DIR to the process and runs it in the working directory', async () => {
    const ctx = await context({
      commands: ['echo "$GREETING"', 'pwd', 'echo "$WORKING_DIR"', 'test -d "$OUTPUT_DIR" && echo outdir-ok'],
      env: { GREETING: 'hi {{ task.id }}' },
    });
    await shellCommands().run(ctx);
    const dir = await ctx.workingDirectory();
    expect(ctx.messages('INFO')).toEqual(['hi sh', dir, dir, 'outdir-ok']);
  });

  it('renders {{ workingDir }} in commands', async () => {
    const ctx = await context({ commands: ['echo {{ workingDir }}'] });
    await shellCommands().run(ctx);
    expect(ctx.messages('INFO')).toEqual([await ctx.workingDirectory()]);
  });

  it('uploads outputFiles globs and files written to {{ outputDir }}', async () => {
    const ctx = await context({
      commands: ['mkdir -p out', 'echo one > out/a.txt', 'echo two > b.csv', 'echo three > "{{ outputDir }}/c.txt"'],
      outputFiles: ['out/*.txt', '*.csv'],
    });
    const files = (await shellCommands().run(ctx)).outputs?.['outputFiles'] as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(['b.csv', 'c.txt', 'out/a.txt']);
    expect(await ctx.storage.size(files['out/a.txt']!)).toBe(4);
    expect(await ctx.storage.size(files['c.txt']!)).toBe(6);
  });

  it('writes inputFiles and makes kestra:// URIs in commands local files', async () => {
    const ctx = await context({ inputFiles: { 'data/in.txt': 'input {{ task.id }}\n' }, commands: ['cat data/in.txt', 'cat {{ inputs.uri }}'] }, { inputs: {} });
    (ctx.variables['inputs'] as Record<string, string>)['uri'] = await ctx.storage.putFile('stored.txt', 'from storage\n');
    await shellCommands().run(ctx);
    expect(ctx.messages('INFO')).toEqual(['input sh', 'from storage']);
  });

  it("copies the flow's namespace files passing namespaceFiles' globs into the working directory before the commands run", async () => {
    const ctx = await context({
      namespaceFiles: { enabled: true, include: ['scripts/**', 'top.txt'], exclude: ['**.tmp'] },
      inputFiles: { 'top.txt': 'from inputFiles' },
      commands: ['find . -type f -not -path "./.*" -not -name "*-*-*" | sort', 'cat top.txt'],
    });
    const files = path.join(ctx.storageRoot, 'io', 'osprey', 'tests', '_files');
    for (const [name, text] of Object.entries({ 'scripts/a.sh': 'a', 'scripts/deep/b.sh': 'b', 'scripts/c.tmp': 'c', 'top.txt': 'top', 'other.txt': 'o' })) {
      await mkdir(path.dirname(path.join(files, name)), { recursive: true });
      await writeFile(path.join(files, name), text);
    }
    await shellCommands().run(ctx);
    expect(ctx.messages('INFO')).toEqual(['./scripts/a.sh', './scripts/deep/b.sh', './top.txt', 'from inputFiles']);
  });

  it('copies no namespace file when namespaceFiles.enabled is false, and refuses an enabled that is not a boolean', async () => {
    const off = await context({ namespaceFiles: { enabled: false }, commands: ['ls'] });
    await mkdir(path.join(off.storageRoot, 'io', 'osprey', 'tests', '_files'), { recursive: true });
    await writeFile(path.join(off.storageRoot, 'io', 'osprey', 'tests', '_files', 'x.txt'), 'x');
    await shellCommands().run(off);
    expect(off.messages('INFO').filter((line) => line === 'x.txt')).toEqual([]);
    const bad = await context({ namespaceFiles: { enabled: 'yes' }, commands: ['ls'] });
    await expect(shellCommands().run(bad)).rejects.toThrow(/namespaceFiles\.enabled.*must be true or false/);
  });

  it('runs beforeCommands first and honours a custom interpreter', async () => {
    const ctx = await context({ beforeCommands: ['X=before'], commands: ['echo "$X then $0"'], interpreter: ['/bin/sh', '-c'] });
    await shellCommands().run(ctx);
    expect(ctx.messages('INFO')).toEqual(['before then /bin/sh']);
  });

  it('kills the whole process group within a second when aborted', async () => {
    const ctx = await context({ commands: ['sleep 30 & echo "child $!"', 'wait'] });
    const run = shellCommands().run(ctx);
    const deadline = Date.now() + 5_000;
    while (!ctx.messages('INFO').some((m) => m.startsWith('child ')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const childPid = Number(ctx.messages('INFO').find((m) => m.startsWith('child '))!.split(' ')[1]);
    expect(processAlive(childPid)).toBe(true);
    const started = Date.now();
    ctx.abort();
    await expect(run).rejects.toThrow(TaskAbortedError);
    expect(Date.now() - started).toBeLessThan(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(processAlive(childPid)).toBe(false);
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const ctx = await context({ commands: ["trap '' TERM", 'echo ready', 'while true; do sleep 0.05; done'] });
    const run = shellCommands({ killGraceMs: 200 }).run(ctx);
    const deadline = Date.now() + 5_000;
    while (!ctx.messages('INFO').includes('ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    ctx.abort();
    await expect(run).rejects.toThrow(TaskAbortedError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('does not wait for a background child that keeps the output open', async () => {
    const ctx = await context({ commands: ['sleep 30 &', 'echo done'] });
    const started = Date.now();
    await shellCommands({ drainGraceMs: 100 }).run(ctx);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(ctx.messages('INFO')).toEqual(['done']);
  });

  it('marks the run WARNING on stderr output unless warningOnStdErr is false (Kestra defaults it to true)', async () => {
    const ctx = await context({ commands: ['echo warn >&2'], warningOnStdErr: true });
    expect((await shellCommands().run(ctx)).state).toBe('WARNING');
    const byDefault = await context({ commands: ['echo warn >&2'] });
    expect((await shellCommands().run(byDefault)).state).toBe('WARNING');
    const off = await context({ commands: ['echo warn >&2'], warningOnStdErr: false });
    expect((await shellCommands().run(off)).state).toBe('SUCCESS');
    const quiet = await context({ commands: ['echo fine'] });
    expect((await shellCommands().run(quiet)).state).toBe('SUCCESS');
  });

  it('refuses to run a script that asks for a container or a runner other than Process', async () => {
    const image = await context({ commands: ['touch ran'], containerImage: 'ubuntu:22.04' });
    await expect(shellCommands().run(image)).rejects.toThrow("Invalid property 'containerImage'");
    const docker = await context({ commands: ['true'], taskRunner: { type: 'io.kestra.plugin.scripts.runner.docker.Docker' } });
    await expect(shellCommands().run(docker)).rejects.toThrow("Invalid property 'taskRunner'");
    const runner = await context({ commands: ['true'], runner: 'DOCKER' });
    await expect(shellCommands().run(runner)).rejects.toThrow("Invalid property 'runner'");
  });

  it('runs a script whose task runner is Process, the runner Osprey has', async () => {
    const ctx = await context({ commands: ['echo on-host'], taskRunner: { type: 'io.kestra.plugin.core.runner.Process' }, runner: 'PROCESS' });
    expect((await shellCommands().run(ctx)).state).toBe('SUCCESS');
  });

  it('fails clearly when the interpreter does not exist', async () => {
    const ctx = await context({ commands: ['true'], interpreter: ['/nonexistent/shell', '-c'] });
    await expect(shellCommands().run(ctx)).rejects.toThrow("Unable to start '/nonexistent/shell'");
  });

  it('accepts commands written as one text, or as an expression rendering to a JSON list', async () => {
    const single = await context({ commands: 'echo single' });
    await shellCommands().run(single);
    expect(single.messages('INFO')).toEqual(['single']);
    const json = await context({ commands: '{{ inputs.cmds }}' }, { inputs: { cmds: '["echo a", "echo b"]' } });
    await shellCommands().run(json);
    expect(json.messages('INFO')).toEqual(['a', 'b']);
    const test = await context({ commands: '[ -d . ] && echo bracket' });
    await shellCommands().run(test);
    expect(test.messages('INFO')).toEqual(['bracket']);
  });

  it('requires commands', async () => {
    await expect(shellCommands().run(await context({}))).rejects.toThrow("Invalid property 'commands'");
  });
});

describe('shell.Script', () => {
  it('runs a rendered multi-line script', async () => {
    const ctx = await context({
      script: 'for i in 1 2; do\n  echo "{{ task.id }}-$i"\ndone\necho \'::{"outputs":{"last":2}}::\'',
    });
    const { outputs } = await shellScript().run(ctx);
    expect(ctx.messages('INFO')).toEqual(['sh-1', 'sh-2']);
    expect(outputs).toMatchObject({ exitCode: 0, vars: { last: 2 } });
  });

  it('fails with the script exit code', async () => {
    await expect(shellScript().run(await context({ script: 'exit 7' }))).rejects.toThrow('Command failed with exit code 7');
  });
});

// Guards the test helper itself: a pid that exited is reported dead.
it('processAlive sees a finished process as gone', () => {
  const pid = Number(execFileSync('/bin/sh', ['-c', 'echo $$']).toString().trim());
  expect(processAlive(pid)).toBe(false);
});
