import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, runCli } from '../support/osprey-cli.js';

/**
 * A plugin as a user writes and uses one: examples/plugin-hello built with its own tsc configuration, listed in a
 * configuration file, then listed, validated against and run by the built `osprey` command.
 */
const example = join(repoRoot, 'examples/plugin-hello');
const dir = mkdtempSync(join(tmpdir(), 'osprey-e2e-plugins-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const config = write('osprey.yaml', `plugins:\n  - ${JSON.stringify(example)}\n`);
const good = write(
  'good.yaml',
  ['id: greet', 'namespace: company.team', 'tasks:', '  - id: hello', '    type: com.example.hello.Hello', '    name: "{{ flow.id }}"', '    times: 2',
    '  - id: show', '    type: io.kestra.plugin.core.log.Log', '    message: "{{ outputs.hello.greeting }}"', ''].join('\n'),
);
const bad = write('bad.yaml', ['id: bad', 'namespace: company.team', 'tasks:', '  - id: hello', '    type: com.example.hello.Hello', '    name: x', '    times: lots', '    nmae: y', ''].join('\n'));

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(example, 'tsconfig.json')], { cwd: example });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('osprey plugins list', () => {
  it('prints each configured plugin with its version and task types, and as JSON', async () => {
    const text = await runCli(['plugins', 'list', '--config', config]);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toBe(`osprey-plugin-hello 1.0.0 (${example})\n  com.example.hello.Hello  Greets someone and stores the greeting as a file.\n`);
    const json = await runCli(['plugins', 'list', '--config', config, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'osprey-plugin-hello', version: '1.0.0', spec: example, entry: join(example, 'dist/index.js'), taskTypes: [{ type: 'com.example.hello.Hello', aliases: [], description: 'Greets someone and stores the greeting as a file.' }] },
    ]);
  });

  it('says that none is configured without a configuration', async () => {
    const result = await runCli(['plugins', 'list'], { env: { OSPREY_CONFIG: '', OSPREY_PLUGINS: '' } });
    expect(result).toMatchObject({ code: 0, stdout: 'no plugins configured (configuration key plugins, OSPREY_PLUGINS)\n' });
  });

  it('exits 2 naming a plugin that cannot be loaded', async () => {
    const result = await runCli(['plugins', 'list'], { env: { OSPREY_PLUGINS: 'osprey-plugin-not-installed' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`osprey: plugin osprey-plugin-not-installed cannot be loaded: no package of that name is installed in ${repoRoot}/node_modules or a parent folder's (npm install osprey-plugin-not-installed)\n`);
  });
});

describe('flows using a plugin', () => {
  it("flow validate --config checks the plugin's properties with line and column; without it the type is unknown", async () => {
    const result = await runCli(['flow', 'validate', '--config', config, good, bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${good}: ok (company.team.greet)\n`);
    expect(result.stderr).toContain(`${bad}:7:12: tasks[0].times: expected an integer but got 'lots'`);
    expect(result.stderr).toContain(`${bad}:8:5: tasks[0].nmae: unknown property 'nmae' for task type com.example.hello.Hello`);
    const without = await runCli(['flow', 'validate', good], { env: { OSPREY_CONFIG: '', OSPREY_PLUGINS: '' } });
    expect(without.code).toBe(1);
    expect(without.stderr).toContain("tasks[0].type: unknown task type 'com.example.hello.Hello'");
  });

  it('flow test --config runs the plugin task on a worker and the next task reads its outputs', async () => {
    const result = await runCli(['flow', 'test', '--config', config, good]);
    expect(result.code).toBe(0);
    const { execution } = JSON.parse(result.stdout) as { execution: { state: { current: string }; taskRunList: { taskId: string; outputs?: Record<string, unknown> }[] } };
    expect(execution.state.current).toBe('SUCCESS');
    expect(execution.taskRunList.find((run) => run.taskId === 'hello')?.outputs).toMatchObject({ greeting: 'Hello, greet!' });
  });

  it('a server with a plugin that cannot be loaded stops at start with exit code 2, naming it', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    const result = await runCli(['server', 'local', '--port', '0', '--data-dir', data], { env: { OSPREY_PLUGINS: './no/such/plugin' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`osprey: plugin ./no/such/plugin cannot be loaded: ${join(repoRoot, 'no/such/plugin')} does not exist\n`);
  });
});
