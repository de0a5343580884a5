import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli, type CliResult } from '../support/osprey-cli.js';

/**
 * What a user sees when a flow, an input or a template is wrong: one clear message naming the
 * place (file:line:column, input name, template position), a documented exit code, and never a
 * stack trace. A flow that fails while running is not a CLI error: `flow test` reports it as JSON.
 */

// Exit codes of the CLI: 0 done, 1 the thing given is wrong (flow, inputs, template), 2 bad usage.
const BAD_INPUT = 1;
const BAD_USAGE = 2;

const broken: Record<string, string> = {
  'bad-syntax.yaml': ['id: bad-syntax', 'namespace: io.osprey.tests', 'tasks:', '  - id: say', '    type: io.kestra.plugin.core.log.Log', '    message: "never closed', ''].join('\n'),
  'unknown-type.yaml': [
    'id: unknown-type',
    'namespace: io.osprey.tests',
    'tasks:',
    '  - id: fine',
    '    type: io.kestra.plugin.core.log.Log',
    '    message: hi',
    '  - id: mystery',
    '    type: io.osprey.tests.NoSuchTask',
    '',
  ].join('\n'),
  'missing-property.yaml': ['id: missing-property', 'namespace: io.osprey.tests', 'tasks:', '  - id: say', '    type: io.kestra.plugin.core.log.Log', ''].join('\n'),
  'duplicate-id.yaml': [
    'id: duplicate-id',
    'namespace: io.osprey.tests',
    'tasks:',
    '  - id: twice',
    '    type: io.kestra.plugin.core.log.Log',
    '    message: first',
    '  - id: wrapper',
    '    type: io.kestra.plugin.core.flow.Sequential',
    '    tasks:',
    '      - id: twice',
    '        type: io.kestra.plugin.core.log.Log',
    '        message: second',
    '',
  ].join('\n'),
  'bad-cron.yaml': [
    'id: bad-cron',
    'namespace: io.osprey.tests',
    'tasks:',
    '  - id: say',
    '    type: io.kestra.plugin.core.log.Log',
    '    message: hi',
    'triggers:',
    '  - id: nightly',
    '    type: io.kestra.plugin.core.trigger.Schedule',
    '    cron: "61 25 * * *"',
    '',
  ].join('\n'),
  'unhonoured-properties.yaml': [
    'id: unhonoured-properties',
    'namespace: io.osprey.tests',
    'tasks:',
    '  - id: script',
    '    type: io.kestra.plugin.scripts.shell.Commands',
    '    containerImage: python:3.12',
    '    taskCache:',
    '      enabled: true',
    '    commands: [ls]',
    '',
  ].join('\n'),
  'bad-duration.yaml': ['id: bad-duration', 'namespace: io.osprey.tests', 'tasks:', '  - id: nap', '    type: io.kestra.plugin.core.flow.Sleep', '    duration: ten minutes', ''].join('\n'),
  'needs-input.yaml': [
    'id: needs-input',
    'namespace: io.osprey.tests',
    'inputs:',
    '  - id: customerName',
    '    type: STRING',
    'tasks:',
    '  - id: greet',
    '    type: io.kestra.plugin.core.debug.Return',
    '    format: "hello {{ inputs.customerName }}"',
    '',
  ].join('\n'),
  'undefined-variable.yaml': [
    'id: undefined-variable',
    'namespace: io.osprey.tests',
    'tasks:',
    '  - id: greet',
    '    type: io.kestra.plugin.core.debug.Return',
    '    format: "hello {{ nobodyDeclaredMe }}"',
    '  - id: after-greet',
    '    type: io.kestra.plugin.core.debug.Return',
    '    format: "unreached"',
    '',
  ].join('\n'),
};

let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'osprey-cli-errors-'));
  for (const [name, text] of Object.entries(broken)) writeFileSync(file(name), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A failure the user caused: the expected exit code, a message on stderr, no stack trace anywhere. */
function expectCleanFailure(result: CliResult, code: number): void {
  expect({ code: result.code, stderrEmpty: result.stderr.trim() === '' }).toEqual({ code, stderrEmpty: false });
  expectNoStackTrace(result);
}

function expectNoStackTrace(result: CliResult): void {
  const traceLines = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => /^\s+at /.test(line));
  expect(traceLines).toEqual([]);
}

describe('osprey flow validate', () => {
  it('reports a YAML syntax error with file:line:column and exits 1', async () => {
    const result = await runCli(['flow', 'validate', file('bad-syntax.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    const match = /bad-syntax\.yaml:(\d+):(\d+):/.exec(result.stderr);
    expect(match).not.toBeNull();
    // The unclosed quote opens on line 6; the parser may only notice at the end of the file.
    expect(Number(match![1])).toBeGreaterThanOrEqual(6);
  });

  it('reports an unknown task type with its path, line and column', async () => {
    const result = await runCli(['flow', 'validate', file('unknown-type.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/unknown-type\.yaml:8:11: tasks\[1\]\.type: .*io\.osprey\.tests\.NoSuchTask/);
  });

  it('reports a missing required property by name', async () => {
    const result = await runCli(['flow', 'validate', file('missing-property.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/missing-property\.yaml:4:\d+: tasks\[0\]\.message: .*required.*'message'/);
  });

  it('reports a duplicate task id at its second declaration', async () => {
    const result = await runCli(['flow', 'validate', file('duplicate-id.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/duplicate-id\.yaml:10:\d+: tasks\[1\]\.tasks\[0\]\.id: duplicate task id 'twice'/);
  });

  it('reports an invalid cron expression on the trigger', async () => {
    const result = await runCli(['flow', 'validate', file('bad-cron.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/bad-cron\.yaml:10:\d+: triggers\[0\]\.cron: .*61 25 \* \* \*/);
  });

  it('refuses the properties Osprey does not honour, naming each with its line and column', async () => {
    const result = await runCli(['flow', 'validate', file('unhonoured-properties.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/unhonoured-properties\.yaml:6:5: tasks\[0\]\.containerImage: property 'containerImage' is not supported by Osprey/);
    expect(result.stderr).toMatch(/unhonoured-properties\.yaml:7:5: tasks\[0\]\.taskCache: property 'taskCache' is not supported by Osprey/);
  });

  it('reports an invalid duration with the expected form', async () => {
    const result = await runCli(['flow', 'validate', file('bad-duration.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/bad-duration\.yaml:6:\d+: tasks\[0\]\.duration: .*'ten minutes'.*PT/);
  });

  it('accepts every one of our own flows and exits 0', async () => {
    const ours = readdirSync(join(repoRoot, 'e2e/flows')).filter((name) => name.endsWith('.yaml'));
    const result = await runCli(['flow', 'validate', ...ours.map((name) => join(repoRoot, 'e2e/flows', name))]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout.match(/: ok \(/g)).toHaveLength(ours.length);
  });

  it('exits 1 when one file of several is invalid, still reporting the good one as ok', async () => {
    const result = await runCli(['flow', 'validate', join(repoRoot, 'e2e/flows/nested-sequence.yaml'), file('duplicate-id.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stdout).toContain('nested-sequence.yaml: ok');
    expect(result.stderr).toContain('duplicate task id');
  });

  it('reports a file that does not exist', async () => {
    const result = await runCli(['flow', 'validate', file('no-such-flow.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toContain('no-such-flow.yaml');
  });
});

describe('osprey flow test', () => {
  it('names a missing required input and exits 1', async () => {
    const result = await runCli(['flow', 'test', file('needs-input.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/customerName.*required|required.*customerName/);
    expect(result.stdout).toBe('');
  });

  it('names an input whose value does not convert to its type', async () => {
    const result = await runCli(['flow', 'test', join(repoRoot, 'e2e/flows/inputs-typed.yaml'), '--input', 'times=lots']);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/times.*INT.*lots/);
  });

  it('rejects an --input without key=value as bad usage', async () => {
    const result = await runCli(['flow', 'test', file('needs-input.yaml'), '--input', 'customerName']);
    expectCleanFailure(result, BAD_USAGE);
    expect(result.stderr).toContain('key=value');
  });

  it('reports an invalid flow with its location instead of running it', async () => {
    const result = await runCli(['flow', 'test', file('unknown-type.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/unknown-type\.yaml:8:11:/);
    expect(result.stdout).toBe('');
  });

  it('runs a task using an undefined variable as a FAILED execution, exit 0, with the failed task in the JSON', async () => {
    const result = await runCli(['flow', 'test', file('undefined-variable.yaml')]);
    expect(result.code).toBe(0);
    expectNoStackTrace(result);
    const { execution } = JSON.parse(result.stdout) as {
      execution: { state: { current: string }; taskRunList: { taskId: string; state: { current: string }; outputs?: Record<string, unknown> }[] };
    };
    expect(execution.state.current).toBe('FAILED');
    expect(execution.taskRunList.map((r) => [r.taskId, r.state.current])).toEqual([['greet', 'FAILED']]);
  });

  it('reports a flow file that does not exist', async () => {
    const result = await runCli(['flow', 'test', file('no-such-flow.yaml')]);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toContain('no-such-flow.yaml');
  });
});

describe('osprey render', () => {
  it('reports a template syntax error with its position and exits 1', async () => {
    const result = await runCli(['render', '{{ total + }}', '--context', '{"total": 1}']);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/line 1, column \d+/);
    expect(result.stdout).toBe('');
  });

  it('reports an unclosed tag with its position', async () => {
    const result = await runCli(['render', '{% if ready %}go', '--context', '{"ready": true}']);
    expectCleanFailure(result, BAD_INPUT);
    expect(result.stderr).toMatch(/endif/);
    expect(result.stderr).toMatch(/line 1, column \d+/);
  });

  it('rejects --context that is not JSON as bad usage (exit 2)', async () => {
    const result = await runCli(['render', '{{ a }}', '--context', '{a: 1']);
    expectCleanFailure(result, BAD_USAGE);
    expect(result.stderr).toContain('--context');
  });

  it('rejects --context that is JSON but not an object as bad usage (exit 2)', async () => {
    const result = await runCli(['render', '{{ a }}', '--context', '[1, 2]']);
    expectCleanFailure(result, BAD_USAGE);
    expect(result.stderr).toContain('--context');
  });

  it('prints the rendered text and exits 0 on a good template', async () => {
    const result = await runCli(['render', '{{ name | upper }}-{{ n + 1 }}', '--context', '{"name": "osprey", "n": 1}']);
    expect(result).toEqual({ code: 0, stdout: 'OSPREY-2', stderr: '' });
  });
});

describe('help', () => {
  it('osprey --help lists the commands and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['server', 'executor', 'worker', 'scheduler', 'webserver', 'flow', 'render']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('osprey flow test --help lists its options and exits 0', async () => {
    const result = await runCli(['flow', 'test', '--help']);
    expect(result.code).toBe(0);
    for (const option of ['--flows', '--input', '--timeout', '--log-level']) expect(result.stdout).toContain(option);
  });

  it('osprey flow validate --help describes the command and exits 0', async () => {
    const result = await runCli(['flow', 'validate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: osprey flow validate/);
  });
});
