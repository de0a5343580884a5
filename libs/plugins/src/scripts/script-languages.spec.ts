import { afterEach, describe, expect, it } from '@jest/globals';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Task } from '@osprey/flow-model';
import { createTestRunContext, type TestRunContext } from '../testing/index.js';
import { TaskAbortedError } from '../support/task-errors.js';
import { ScriptTask } from './script-task.js';
import { EXECUTION_CONTEXT_FILE } from './execution-context-file.js';

// Real interpreters of this machine: python3, node and go are required; the others run where installed.
const contexts: TestRunContext[] = [];
async function context(type: string, properties: Record<string, unknown>, variables?: Record<string, unknown>) {
  const ctx = await createTestRunContext({ task: { id: 'code', type, ...properties } as Task, variables });
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((ctx) => ctx.dispose()));
});

const SCRIPTS = 'io.kestra.plugin.scripts';

// A killed orphan may linger as a zombie when PID 1 does not reap it: that counts as gone.
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('python', () => {
  it('runs a rendered Script with python3, reading true/false/null as Python does, and collects ::{...}:: outputs', async () => {
    const ctx = await context(
      `${SCRIPTS}.python.Script`,
      {
        script: [
          'import json, sys',
          'flag = {{ inputs.flag }}',
          'nothing = {{ inputs.nothing }}',
          'print("hello {{ inputs.name }} from", sys.version_info.major)',
          'print("::" + json.dumps({"outputs": {"flag": flag, "none": nothing is None}}) + "::")',
        ].join('\n'),
      },
      { inputs: { name: 'world', flag: true, nothing: null } },
    );
    const result = await new ScriptTask('python', 'script').run(ctx);
    expect(ctx.messages('INFO')).toEqual(['hello world from 3']);
    expect(result.outputs).toMatchObject({ exitCode: 0, vars: { flag: true, none: true } });
  }, 60_000);

  it('fails the run with the exit code of the script', async () => {
    const ctx = await context(`${SCRIPTS}.python.Script`, { script: 'import sys\nprint("before")\nsys.exit(4)' });
    await expect(new ScriptTask('python', 'script').run(ctx)).rejects.toThrow('Command failed with exit code 4');
    expect(ctx.messages('INFO')).toEqual(['before']);
  }, 60_000);

  it('runs Commands over inputFiles and uploads outputFiles, with gauges, counters and timers as metrics', async () => {
    const ctx = await context(`${SCRIPTS}.python.Commands`, {
      inputFiles: {
        'main.py': [
          'import json',
          'rows = open("data.csv").read().splitlines()',
          'open("out.txt", "w").write(str(len(rows)))',
          'metrics = [{"name": "rows", "type": "counter", "value": len(rows)}, {"name": "load", "type": "gauge", "value": 0.5}, {"name": "t", "type": "timer", "value": 1.25}]',
          'print("::" + json.dumps({"outputs": {"rows": len(rows)}, "metrics": metrics}) + "::")',
        ].join('\n'),
        'data.csv': 'a\nb\nc\n',
      },
      commands: ['python3 main.py'],
      outputFiles: ['*.txt'],
    });
    const { outputs } = await new ScriptTask('python', 'commands').run(ctx);
    expect(outputs?.['vars']).toEqual({ rows: 3 });
    const files = outputs?.['outputFiles'] as Record<string, string>;
    expect(Object.keys(files)).toEqual(['out.txt']);
    expect(await ctx.storage.size(files['out.txt']!)).toBe(1);
    expect(ctx.metrics).toEqual([
      { name: 'rows', type: 'counter', value: 3 },
      { name: 'load', type: 'gauge', value: 0.5 },
      { name: 't', type: 'timer', value: 1.25 },
    ]);
  }, 60_000);

  it('runs with the environment beforeCommands activate', async () => {
    const ctx = await context(`${SCRIPTS}.python.Script`, {
      beforeCommands: ['python3 -m venv --without-pip .venv', '. .venv/bin/activate'],
      script: 'import sys\nprint(sys.prefix)',
    });
    await new ScriptTask('python', 'script').run(ctx);
    expect(ctx.messages('INFO')).toEqual([path.join(await ctx.workingDirectory(), '.venv')]);
  }, 120_000);

  it('writes the execution context for the run only, and never uploads it', async () => {
    const ctx = await context(
      `${SCRIPTS}.python.Script`,
      {
        executionContext: true,
        outputFiles: ['*', '.*'],
        script: [
          'import json, os',
          'context = json.load(open(os.environ["KESTRA_EXECUTION_CONTEXT_FILE"]))',
          'print(os.path.basename(os.environ["KESTRA_EXECUTION_CONTEXT_FILE"]))',
          'print(context["inputs"]["city"], context["outputs"]["first"]["value"], context["labels"]["team"], context["vars"]["limit"])',
          'print(sorted(k for k in context if k in ("envs", "globals")))',
        ].join('\n'),
      },
      { inputs: { city: 'Paris\n"quoted"' }, outputs: { first: { value: 42 } }, labels: { team: 'data' }, vars: { limit: 7 }, envs: { secret: 'x' } },
    );
    const { outputs } = await new ScriptTask('python', 'script').run(ctx);
    expect(ctx.messages('INFO')).toEqual([EXECUTION_CONTEXT_FILE, 'Paris', '"quoted" 42 data 7', '[]']);
    expect(existsSync(path.join(await ctx.workingDirectory(), EXECUTION_CONTEXT_FILE))).toBe(false);
    expect(Object.keys(outputs?.['outputFiles'] as object).filter((name) => name.includes('execution-context'))).toEqual([]);
  }, 60_000);

  it('writes no execution context unless asked', async () => {
    const ctx = await context(`${SCRIPTS}.python.Script`, { script: 'import os\nprint(os.environ.get("KESTRA_EXECUTION_CONTEXT_FILE", "none"))' });
    await new ScriptTask('python', 'script').run(ctx);
    expect(ctx.messages('INFO')).toEqual(['none']);
  }, 60_000);

  it('kills the script and its children, the whole process group, when the run times out', async () => {
    const ctx = await context(`${SCRIPTS}.python.Script`, {
      script: 'import subprocess, time\nchild = subprocess.Popen(["sleep", "60"])\nprint("child", child.pid, flush=True)\ntime.sleep(60)',
    });
    const run = new ScriptTask('python', 'script', { killGraceMs: 2_000 }).run(ctx);
    await waitFor(() => ctx.messages('INFO').some((m) => m.startsWith('child ')));
    const childPid = Number(ctx.messages('INFO').find((m) => m.startsWith('child '))!.split(' ')[1]);
    expect(processAlive(childPid)).toBe(true);
    ctx.abort(new Error('Timeout after PT1S'));
    await expect(run).rejects.toThrow(TaskAbortedError);
    await waitFor(() => !processAlive(childPid), 10_000);
  }, 60_000);

  it('fails naming python<version> when pythonVersion asks for one the worker lacks', async () => {
    const ctx = await context(`${SCRIPTS}.python.Script`, { pythonVersion: '2.1', script: 'print(1)' });
    await expect(new ScriptTask('python', 'script').run(ctx)).rejects.toThrow(
      `Task 'code' (${SCRIPTS}.python.Script) cannot run: the interpreter 'python2.1' is not on the worker's PATH`,
    );
  });
});

describe('node', () => {
  it('runs a Script with node: logs, outputs, metrics and its exit code', async () => {
    const ok = await context(`${SCRIPTS}.node.Script`, {
      script: 'console.log("node {{ task.id }}");\nconsole.error("careful");\nconsole.log(`::${JSON.stringify({ outputs: { n: 2 + 3 }, metrics: [{ name: "depth", type: "gauge", value: 9 }] })}::`);',
      warningOnStdErr: true,
    });
    const result = await new ScriptTask('node', 'script').run(ok);
    expect(result.state).toBe('WARNING');
    expect(result.outputs).toMatchObject({ vars: { n: 5 } });
    expect(ok.messages('INFO')).toEqual(['node code']);
    expect(ok.messages('ERROR')).toEqual(['careful']);
    expect(ok.metrics).toEqual([{ name: 'depth', type: 'gauge', value: 9 }]);

    const failing = await context(`${SCRIPTS}.node.Script`, { script: 'process.exit(2)' });
    await expect(new ScriptTask('node', 'script').run(failing)).rejects.toThrow('Command failed with exit code 2');
  }, 60_000);

  it('runs Commands, stopping at the first failing one unless failFast is false', async () => {
    const fast = await context(`${SCRIPTS}.node.Commands`, { commands: ['node -e "process.exit(3)"', 'node -e "console.log(process.argv[1])" ran'] });
    await expect(new ScriptTask('node', 'commands').run(fast)).rejects.toThrow('exit code 3');
    expect(fast.messages('INFO')).toEqual([]);
    const lenient = await context(`${SCRIPTS}.node.Commands`, { commands: ['node -e "process.exit(3)"', 'node -e "console.log(process.argv[1])" ran'], failFast: false });
    await new ScriptTask('node', 'commands').run(lenient);
    // A string, not a number: node colours numbers when FORCE_COLOR is in the environment (nx sets it).
    expect(lenient.messages('INFO')).toEqual(['ran']);
  }, 60_000);
});

describe('go', () => {
  it('runs a Script with go run', async () => {
    const ctx = await context(`${SCRIPTS}.go.Script`, {
      script: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("go says {{ task.id }}")\n\tfmt.Println(`::{"outputs":{"lang":"go"}}::`)\n}\n',
    });
    const { outputs } = await new ScriptTask('go', 'script').run(ctx);
    expect(ctx.messages('INFO')).toEqual(['go says code']);
    expect(outputs?.['vars']).toEqual({ lang: 'go' });
  }, 180_000);
});

describe('a language whose interpreter the worker lacks', () => {
  it.each([
    ['ruby', 'Script', 'ruby'],
    ['r', 'Script', 'Rscript'],
    ['julia', 'Commands', 'julia'],
    ['powershell', 'Commands', 'pwsh'],
    ['python', 'Commands', "python3' or 'python"],
    ['node', 'Script', 'node'],
  ] as const)('%s.%s fails the run naming the interpreter and the task', async (language, kind, program) => {
    const empty = await mkdtemp(path.join(tmpdir(), 'osprey-empty-path-'));
    const type = `${SCRIPTS}.${language}.${kind}`;
    const ctx = await context(type, { env: { PATH: empty }, ...(kind === 'Script' ? { script: 'x' } : { commands: ['x'] }) });
    await expect(new ScriptTask(language, kind === 'Script' ? 'script' : 'commands').run(ctx)).rejects.toThrow(
      `Task 'code' (${type}) cannot run: the interpreter '${program}' is not on the worker's PATH`,
    );
  });
});

// Interpreters that are not on every machine: each runs where it is installed, and is reported skipped elsewhere.
function installed(program: string): boolean {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
const optional = [
  ['ruby', 'ruby', 'puts "ruby {{ task.id }}"\nputs \'::{"outputs":{"ok":true}}::\''],
  ['r', 'Rscript', 'cat("r code\\n")\ncat(\'::{"outputs":{"ok":true}}::\\n\')'],
  ['julia', 'julia', 'println("julia code")\nprintln("::{\\"outputs\\":{\\"ok\\":true}}::")'],
  ['powershell', 'pwsh', 'Write-Output "powershell code"\nWrite-Output \'::{"outputs":{"ok":true}}::\''],
] as const;
describe.each(optional)('%s', (language, program, script) => {
  (installed(program) ? it : it.skip)(`runs a Script with ${program} (only where ${program} is installed)`, async () => {
    const ctx = await context(`${SCRIPTS}.${language}.Script`, { script });
    const { outputs } = await new ScriptTask(language, 'script').run(ctx);
    expect(ctx.messages('INFO')).toEqual([`${language} code`]);
    expect(outputs?.['vars']).toEqual({ ok: true });
  }, 180_000);
});
