import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { setTimeout as wait } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { flowJsonSchema, FlowValidationError, isTerminated, parseFlow, resolveTaskType, unregisterPluginTaskTypes, type Execution, type JsonSchema } from '@osprey/flow-model';
import { PluginLoadError, type LoadedPlugin } from '@osprey/plugins';
import { REPOSITORY, type Repository } from '@osprey/repository';
import { createLogger, loadConfig } from '@osprey/server';
import { STORAGE, type Storage } from '@osprey/storage';
import { TriggerExecution } from '../executions/trigger-execution.js';
import { createOspreyApp } from '../nest/create-osprey-app.js';
import { LOADED_PLUGINS } from '../nest/tokens.js';
import { PluginsController } from '../webserver/plugins.controller.js';

// The example plugin is built with its own tsc configuration and loaded through the `plugins` key, as a user's would be.
const root = resolve(import.meta.dirname, '../../../..');
const example = join(root, 'examples/plugin-hello');
const silent = createLogger({ service: 'test', instance: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

const FLOW = `id: greet
namespace: company.team
tasks:
  - id: hello
    type: com.example.hello.Hello
    name: "{{ flow.id }}"
    times: "{{ 1 + 1 }}"
    style: polite
`;

async function configWith(dataDir: string, plugins: string[]) {
  const file = join(dataDir, 'osprey.yaml');
  await writeFile(file, `dataDir: ${JSON.stringify(dataDir)}\nplugins:\n${plugins.map((p) => `  - ${JSON.stringify(p)}`).join('\n')}\n`);
  return loadConfig({ file, env: {} });
}

async function waitForEnd(repository: Repository, id: string): Promise<Execution> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await wait(50)) {
    const execution = await repository.executions.get(id);
    if (execution && isTerminated(execution.state.current)) return execution;
  }
  throw new Error(`execution ${id} did not end within 120 s`);
}

describe('a plugin listed in the configuration (examples/plugin-hello)', () => {
  let dataDir: string;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(example, 'tsconfig.json')], { cwd: example });
  }, 180_000);

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'osprey-plugin-'));
  });

  afterEach(async () => {
    unregisterPluginTaskTypes();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs its task in a flow on the embedded SQLite backend: rendered properties, logs, a metric, a stored file and outputs', async () => {
    const config = await configWith(dataDir, [example]);
    const app: INestApplication = await createOspreyApp({ config, roles: ['executor', 'worker'], logger: silent });
    try {
      const repository = app.get<Repository>(REPOSITORY);
      // Loading the plugin at start registered its type: the flow validates only now.
      const flow = parseFlow(FLOW);
      await repository.flows.save(flow, FLOW);
      await app.init();
      await app.startAllMicroservices();
      const created = await app.get(TriggerExecution).execute({ namespace: flow.namespace, flowId: flow.id, inputs: {} });
      const execution = await waitForEnd(repository, created.id);

      expect(execution.state.current).toBe('SUCCESS');
      const run = execution.taskRunList.find((taskRun) => taskRun.taskId === 'hello')!;
      expect(run.outputs?.greeting).toBe('Good day, greet.');
      expect(String(run.outputs?.uri)).toMatch(/^kestra:\/\/\/company\/team\/greet\/executions\/.+greeting\.txt$/);
      expect(await text(await app.get<Storage>(STORAGE).get(String(run.outputs?.uri)))).toBe('Good day, greet.\n');
      expect(run.attempts.at(-1)?.metrics).toEqual([expect.objectContaining({ name: 'greetings', type: 'counter', value: 2 })]);
      const logs = await repository.logs.search({ executionId: execution.id, taskId: 'hello', size: 100 });
      expect(logs.results.filter((entry) => entry.message === 'Good day, greet.')).toHaveLength(2);
    } finally {
      await app.close();
    }
  }, 180_000);

  it("validates flows with the plugin's schema: unknown and mistyped properties are refused with their line and column", async () => {
    await createOspreyApp({ config: await configWith(dataDir, [example]), roles: ['executor'], logger: silent }).then((app) => app.close());
    const source = `id: bad
namespace: company.team
tasks:
  - id: hello
    type: com.example.hello.Hello
    name: x
    times: lots
    nmae: y
`;
    let error: unknown;
    try {
      parseFlow(source);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FlowValidationError);
    const violations = (error as FlowValidationError).violations.map((v) => ({ path: v.path, line: v.line, column: v.column, message: v.message }));
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'tasks[0].times', line: 7, message: expect.stringContaining("expected an integer but got 'lots'") }),
        expect.objectContaining({ path: 'tasks[0].nmae', line: 8, column: 5 }),
      ]),
    );
  }, 60_000);

  it("puts its type in the flow JSON Schema the editor uses, in /plugins and /plugins/{cls}, with the plugin's package named on the type", async () => {
    const app = await createOspreyApp({ config: await configWith(dataDir, [example]), roles: ['executor'], logger: silent });
    const loaded = app.get<LoadedPlugin[]>(LOADED_PLUGINS);
    await app.close();
    expect(resolveTaskType('com.example.hello.Hello')?.plugin).toBe('osprey-plugin-hello');
    const definition = (flowJsonSchema().definitions as Record<string, JsonSchema>)['com.example.hello.Hello'];
    expect(Object.keys(definition?.properties as object)).toEqual(expect.arrayContaining(['id', 'type', 'name', 'times', 'shout', 'style']));
    expect(definition?.required).toEqual(expect.arrayContaining(['name']));
    const api = new PluginsController(loaded);
    expect(api.pluginSchema('com.example.hello.Hello').schema.properties).toEqual(definition);
    expect(api.plugins().find((plugin) => plugin.name === 'osprey-plugin-hello')).toMatchObject({ group: 'com.example.hello', tasks: [expect.objectContaining({ cls: 'com.example.hello.Hello' })], aliases: [] });
  }, 60_000);

  it('stops the start when a plugin cannot be loaded, naming it and why', async () => {
    const config = await configWith(dataDir, ['osprey-plugin-that-is-not-installed']);
    await expect(createOspreyApp({ config, roles: ['executor'], logger: silent })).rejects.toThrow(
      new PluginLoadError('osprey-plugin-that-is-not-installed', `no package of that name is installed in ${process.cwd()}/node_modules or a parent folder's (npm install osprey-plugin-that-is-not-installed)`),
    );
    expect(resolveTaskType('com.example.hello.Hello')).toBeUndefined();
  }, 60_000);
});
