import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { CONDITION_TYPES, taskTypes, TRIGGER_TYPES, unregisterPluginTaskTypes } from '@osprey/flow-model';
import { loadConfig } from '@osprey/server';
import { startServer } from '../nest/bootstrap.js';
import type { PluginGroup } from './plugin-groups.js';

// The real HTTP app (tenant paths, query guard, 501 middleware) of a webserver with the example plugin configured
// (compiled with tsc, hence a contract spec).
const root = resolve(import.meta.dirname, '../../../..');
const example = join(root, 'examples/plugin-hello');

describe('plugin groups API (/plugins, /plugins/groups/subgroups, /plugins/icons/groups)', () => {
  let dataDir: string;
  let app: INestApplication;
  let url: string;

  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${url}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(example, 'tsconfig.json')], { cwd: example });
    dataDir = await mkdtemp(join(tmpdir(), 'osprey-plugin-groups-'));
    const config = loadConfig({ env: {}, overrides: { dataDir, 'server.port': 0, 'server.host': '127.0.0.1', 'logging.level': 'silent', plugins: [example] } });
    ({ app, url } = await startServer({ config, roles: ['webserver'], service: 'webserver' }));
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    unregisterPluginTaskTypes();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("lists Kestra's plugin entries: every type of the registry exactly once, Osprey's under Kestra's plugins, the configured plugin under its package", async () => {
    const { status, body } = await get<PluginGroup[]>('/api/v1/plugins');
    expect(status).toBe(200);
    const core = body.find((group) => group.name === 'core')!;
    expect(core).toMatchObject({ title: 'core', group: 'io.kestra.plugin.core', categories: ['CORE'], taskRunners: [], storages: [], guides: [] });
    expect(core.subGroup).toBeUndefined();
    expect(core.tasks).toContainEqual({ cls: 'io.kestra.plugin.core.log.Log' });
    expect(core.triggers).toContainEqual({ cls: 'io.kestra.plugin.core.trigger.Schedule' });
    expect(core.conditions).toContainEqual({ cls: 'io.kestra.plugin.core.condition.ExecutionStatus' });
    expect(core.aliases).toEqual(expect.arrayContaining(['io.kestra.core.tasks.log.Log', 'io.kestra.core.models.triggers.types.Schedule']));
    expect(body.find((group) => group.name === 'plugin-aws')).toMatchObject({ group: 'io.kestra.plugin.aws', tasks: expect.arrayContaining([{ cls: 'io.kestra.plugin.aws.s3.Upload' }]), triggers: [] });
    expect(body.find((group) => group.name === 'plugin-script-python')?.tasks.map((t) => t.cls).sort()).toEqual(['io.kestra.plugin.scripts.python.Commands', 'io.kestra.plugin.scripts.python.Script']);
    expect(body.find((group) => group.name === 'osprey-plugin-hello')).toEqual(
      expect.objectContaining({
        title: 'osprey-plugin-hello',
        group: 'com.example.hello',
        version: '1.0.0',
        tasks: [{ cls: 'com.example.hello.Hello', description: 'Greets someone and stores the greeting as a file.' }],
        categories: [],
      }),
    );
    const listed = (kind: 'tasks' | 'triggers' | 'conditions') => body.flatMap((group) => group[kind].map((t) => t.cls)).sort();
    expect(listed('tasks')).toEqual(taskTypes().map((t) => t.name).sort());
    expect(listed('triggers')).toEqual(TRIGGER_TYPES.map((t) => t.name).sort());
    expect(listed('conditions')).toEqual(CONDITION_TYPES.map((t) => t.name).sort());
    // The tenant form of Kestra's clients answers the same.
    expect((await get<PluginGroup[]>('/api/v1/main/plugins')).body).toEqual(body);
  }, 60_000);

  it('lists each plugin, then each package below its group as a subgroup listing only that package', async () => {
    const { status, body } = await get<PluginGroup[]>('/api/v1/plugins/groups/subgroups');
    expect(status).toBe(200);
    const plugins = (await get<PluginGroup[]>('/api/v1/plugins')).body;
    expect(body.slice(0, plugins.length)).toEqual(plugins);
    const log = body.find((group) => group.subGroup === 'io.kestra.plugin.core.log')!;
    expect(log).toMatchObject({ name: 'core', title: 'Log', group: 'io.kestra.plugin.core', triggers: [], conditions: [] });
    expect(log.tasks.map((t) => t.cls).sort()).toEqual(['io.kestra.plugin.core.log.Fetch', 'io.kestra.plugin.core.log.Log', 'io.kestra.plugin.core.log.PurgeLogs']);
    expect(log.aliases.sort()).toEqual(['io.kestra.core.tasks.log.Fetch', 'io.kestra.core.tasks.log.Log']);
    expect(body.find((group) => group.subGroup === 'io.kestra.plugin.aws.s3')?.tasks).toHaveLength(4);
    // Types declared in the group's own package form no subgroup.
    expect(body.filter((group) => group.name === 'plugin-script-python' || group.name === 'osprey-plugin-hello').map((group) => group.subGroup)).toEqual([undefined, undefined]);
  }, 60_000);

  it('keys the group icons by group and subgroup, and the type icons by every type name and alias', async () => {
    const groups = await get<Record<string, unknown>>('/api/v1/plugins/icons/groups');
    expect(groups.status).toBe(200);
    const subgroups = (await get<PluginGroup[]>('/api/v1/plugins/groups/subgroups')).body;
    expect(Object.keys(groups.body).sort()).toEqual([...new Set(subgroups.map((g) => g.subGroup ?? g.group))].sort());
    expect(groups.body['io.kestra.plugin.core.flow']).toEqual({ name: 'plugin-icon', flowable: false });
    expect(groups.body['com.example.hello']).toEqual({ name: 'plugin-icon', flowable: false });

    const icons = await get<Record<string, unknown>>('/api/v1/plugins/icons');
    const plugins = (await get<PluginGroup[]>('/api/v1/plugins')).body;
    const names = plugins.flatMap((g) => [...g.tasks, ...g.triggers, ...g.conditions].map((t) => t.cls).concat(g.aliases));
    expect(Object.keys(icons.body).sort()).toEqual([...new Set(names)].sort());
    expect(icons.body['com.example.hello.Hello']).toEqual({ name: 'Hello', flowable: false });
    expect(icons.body['io.kestra.core.tasks.flows.If']).toEqual({ name: 'If', flowable: true });
  }, 60_000);

  it('refuses query parameters, naming them', async () => {
    for (const path of ['/api/v1/plugins?colour=red', '/api/v1/plugins/groups/subgroups?colour=red', '/api/v1/plugins/icons/groups?colour=red']) {
      const { status, body } = await get<{ message: string }>(path);
      expect([path, status]).toEqual([path, 400]);
      expect(body.message).toMatch(/unknown query parameter "colour"; this endpoint takes none/);
    }
    const paged = await get<{ message: string }>('/api/v1/plugins?page=1');
    expect(paged.status).toBe(400);
    expect(paged.body.message).toMatch(/query parameter "page" is not supported: the plugin list is answered whole/);
  }, 60_000);
});
