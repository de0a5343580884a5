import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_TASK, resolveTaskType, unregisterPluginTaskTypes } from '@osprey/flow-model';
import { createTaskRegistry } from '../task-registry.js';
import { loadPlugins, PluginLoadError } from './plugin-loader.js';

/** A plugin package in node_modules of `dir`, its entry module written as given. */
async function pluginPackage(dir: string, name: string, entry: string | undefined, manifest: Record<string, unknown> = { type: 'module', main: 'index.js' }) {
  const folder = join(dir, 'node_modules', name);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name, version: '2.3.4', ...manifest }));
  if (entry !== undefined) await writeFile(join(folder, 'index.js'), entry);
  return folder;
}

const task = (type: string, properties = 'z.object({ name: prop.string() })') => `defineTaskType({ type: '${type}', properties: ${properties}, outputs: z.object({}), run: async () => ({}) })`;
const plugin = (...tasks: string[]) => `import { definePlugin, defineTaskType, prop, z } from '@osprey/plugin-sdk';\nexport default definePlugin({ tasks: [${tasks.join(', ')}] });\n`;

describe('loadPlugins', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osprey-plugin-loader-'));
  });
  afterEach(async () => {
    unregisterPluginTaskTypes();
    await rm(dir, { recursive: true, force: true });
  });

  const loadError = async (specs: string[]) => {
    try {
      await loadPlugins(specs, { baseDir: dir });
    } catch (error) {
      expect(error).toBeInstanceOf(PluginLoadError);
      return (error as Error).message;
    }
    throw new Error('loaded without an error');
  };

  it('loads a package from node_modules, registers its types for validation and adds their runners to the task registry', async () => {
    await pluginPackage(dir, 'osprey-plugin-a', plugin(task('com.example.a.First'), task('com.example.a.Second')));
    const [loaded] = await loadPlugins(['osprey-plugin-a'], { baseDir: dir });
    expect(loaded).toMatchObject({ spec: 'osprey-plugin-a', name: 'osprey-plugin-a', version: '2.3.4' });
    expect(loaded!.tasks.map((t) => t.definition.name)).toEqual(['com.example.a.First', 'com.example.a.Second']);
    expect(resolveTaskType('com.example.a.First')).toMatchObject({ kind: 'runnable', plugin: 'osprey-plugin-a', required: ['name'] });
    expect(createTaskRegistry({ plugins: [loaded!] }).has('com.example.a.Second')).toBe(true);
  });

  it('loads a package folder or a module file by path, relative to the base folder', async () => {
    const folder = await pluginPackage(dir, 'by-path', plugin(task('com.example.p.Folder')));
    await writeFile(join(dir, 'single.mjs'), plugin(task('com.example.p.File')));
    await loadPlugins([folder, './single.mjs'], { baseDir: dir });
    expect(resolveTaskType('com.example.p.Folder')?.plugin).toBe('by-path');
    expect(resolveTaskType('com.example.p.File')?.plugin).toBe('./single.mjs');
  });

  it('loading the same plugin again registers nothing twice', async () => {
    await pluginPackage(dir, 'again', plugin(task('com.example.again.Task')));
    await loadPlugins(['again'], { baseDir: dir });
    await expect(loadPlugins(['again'], { baseDir: dir })).resolves.toHaveLength(1);
  });

  it('names the plugin and the reason of each failure', async () => {
    expect(await loadError(['missing-plugin'])).toBe(`plugin missing-plugin cannot be loaded: no package of that name is installed in ${dir}/node_modules or a parent folder's (npm install missing-plugin)`);
    expect(await loadError(['./nowhere'])).toBe(`plugin ./nowhere cannot be loaded: ${join(dir, 'nowhere')} does not exist`);
    await pluginPackage(dir, 'unbuilt', undefined, { type: 'module', exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } });
    expect(await loadError(['unbuilt'])).toMatch(/^plugin unbuilt cannot be loaded: its entry module .*unbuilt\/dist\/index\.js does not exist \(is the plugin built\?\)$/);
    await pluginPackage(dir, 'no-default', 'export const x = 1;\n');
    expect(await loadError(['no-default'])).toMatch(/^plugin no-default cannot be loaded: .*index\.js has no default export made with definePlugin\(\) from @osprey\/plugin-sdk$/);
    await pluginPackage(dir, 'throws', "throw new Error('boom at import');\n");
    expect(await loadError(['throws'])).toMatch(/^plugin throws cannot be loaded: importing .*index\.js failed: boom at import$/);
    await pluginPackage(dir, 'plain-zod', plugin(task('com.example.z.Plain', 'z.object({ name: z.string() })')));
    expect(await loadError(['plain-zod'])).toBe("plugin plain-zod cannot be loaded: task type com.example.z.Plain: property 'name' is not declared with prop.*() of @osprey/plugin-sdk");
    await pluginPackage(dir, 'common', plugin(task('com.example.c.Common', 'z.object({ timeout: prop.duration() })')));
    expect(await loadError(['common'])).toBe("plugin common cannot be loaded: task type com.example.c.Common of common: 'timeout' is a property every task has, declared by Osprey");
    await pluginPackage(dir, 'children', plugin(task('com.example.c.Children', 'z.object({ tasks: prop.tasks() })')));
    expect(await loadError(['children'])).toMatch(/^plugin children cannot be loaded: task type com.example.c.Children of children: property 'tasks' holds tasks/);
    await pluginPackage(dir, 'future', "import { OSPREY_PLUGIN } from '@osprey/plugin-sdk';\nexport default { [OSPREY_PLUGIN]: 99, tasks: [] };\n");
    expect(await loadError(['future'])).toBe('plugin future cannot be loaded: it was built with version 99 of the plugin SDK; this Osprey runs version 1');
  });

  it("refuses a type that Osprey or another plugin already declares, and leaves none of the refused plugin's types registered", async () => {
    await pluginPackage(dir, 'shadows-log', plugin(task('com.example.s.Fine'), task(LOG_TASK.aliases[0]!)));
    expect(await loadError(['shadows-log'])).toBe(`plugin shadows-log cannot be loaded: task type ${LOG_TASK.aliases[0]} of shadows-log is already declared by Osprey`);
    expect(resolveTaskType('com.example.s.Fine')).toBeUndefined();
    await pluginPackage(dir, 'first', plugin(task('com.example.same.Task')));
    await pluginPackage(dir, 'second', plugin(task('com.example.same.Task')));
    expect(await loadError(['first', 'second'])).toBe('plugin second cannot be loaded: task type com.example.same.Task of second is already declared by first');
    await pluginPackage(dir, 'self', plugin(task('com.example.self.Task'), task('com.example.self.Task')));
    expect(await loadError(['self'])).toBe('plugin self cannot be loaded: task type com.example.self.Task of self is already declared by self');
  });

  it('refuses a plugin listed twice under two names', async () => {
    const folder = await pluginPackage(dir, 'twice', plugin(task('com.example.t.Task')));
    expect(await loadError(['twice', folder])).toBe(`plugin ${folder} cannot be loaded: it is listed twice (also as twice)`);
  });
});
