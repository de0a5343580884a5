import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pluginTaskType, prop, propertyKind, registerTaskTypes, type TaskTypeDefinition } from '@osprey/flow-model';
import { bindPluginHost, OSPREY_PLUGIN, PLUGIN_SDK_VERSION, PLUGIN_TASK_TYPE, type OspreyPlugin, type PluginTaskType } from '@osprey/plugin-sdk';
import { z } from 'zod';
import type { TaskRunner } from '../task-runner.js';
import { PluginTaskRunner } from './plugin-task-runner.js';

/** A plugin that could not be loaded: the process stops at start with this message, naming the plugin and why. */
export class PluginLoadError extends Error {
  constructor(
    readonly plugin: string,
    reason: string,
  ) {
    super(`plugin ${plugin} cannot be loaded: ${reason}`);
    this.name = 'PluginLoadError';
  }
}

/** One task type of a loaded plugin: what validation knows of it and what the worker runs. */
export interface PluginTaskTypeEntry {
  definition: TaskTypeDefinition;
  runner: TaskRunner;
  description?: string;
}

export interface LoadedPlugin {
  /** As the configuration names it (a package name or a path). */
  spec: string;
  /** The `name` of its package.json (the spec when it has none). */
  name: string;
  version?: string;
  /** Where its entry module is. */
  entry: string;
  tasks: PluginTaskTypeEntry[];
}

export interface LoadPluginsOptions {
  /** Where package names are looked up (its node_modules and its parents') and relative paths resolved: the current folder by default. */
  baseDir?: string;
}

/** A definition per declaration, so that loading the same module again registers the same types (a no-op). */
const definitions = new WeakMap<PluginTaskType, TaskTypeDefinition>();

/**
 * Imports the plugins the configuration lists and adds their task types to the task type registry that validation,
 * the flow JSON Schema and the plugins API read. Any failure stops with a PluginLoadError: a plugin is never skipped.
 */
export async function loadPlugins(specs: readonly string[], options: LoadPluginsOptions = {}): Promise<LoadedPlugin[]> {
  const baseDir = options.baseDir ?? process.cwd();
  // The plugin's schemas must be built with this process's flow model and zod (see @osprey/plugin-sdk's host).
  bindPluginHost({ prop, z });
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) {
    const plugin = await loadPlugin(spec, baseDir);
    const seen = loaded.find((other) => other.entry === plugin.entry);
    if (seen) throw new PluginLoadError(spec, `it is listed twice (also as ${seen.spec})`);
    try {
      registerTaskTypes(plugin.tasks.map((task) => task.definition));
    } catch (error) {
      throw new PluginLoadError(spec, (error as Error).message);
    }
    loaded.push(plugin);
  }
  return loaded;
}

async function loadPlugin(spec: string, baseDir: string): Promise<LoadedPlugin> {
  const { packageDir, entry } = locate(spec, baseDir);
  const manifest = packageDir ? readManifest(spec, packageDir) : {};
  const name = typeof manifest.name === 'string' ? manifest.name : spec;
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PluginLoadError(spec, `importing ${entry} failed: ${(error as Error).message}`);
  }
  const plugin = module.default as OspreyPlugin | undefined;
  if (!plugin || typeof plugin !== 'object' || !(OSPREY_PLUGIN in plugin)) {
    throw new PluginLoadError(spec, `${entry} has no default export made with definePlugin() from @osprey/plugin-sdk`);
  }
  checkVersion(spec, plugin[OSPREY_PLUGIN]);
  const tasks = plugin.tasks.map((task) => {
    if (!task || typeof task !== 'object' || !(PLUGIN_TASK_TYPE in task)) throw new PluginLoadError(spec, 'each entry of tasks must be made with defineTaskType()');
    checkVersion(spec, task[PLUGIN_TASK_TYPE]);
    const definition = definitionOf(spec, name, task);
    return { definition, runner: new PluginTaskRunner(definition, task), ...(task.description ? { description: task.description } : {}) };
  });
  return { spec, name, ...(typeof manifest.version === 'string' ? { version: manifest.version } : {}), entry, tasks };
}

function checkVersion(spec: string, version: number): void {
  if (version !== PLUGIN_SDK_VERSION) throw new PluginLoadError(spec, `it was built with version ${version} of the plugin SDK; this Osprey runs version ${PLUGIN_SDK_VERSION}`);
}

function definitionOf(spec: string, pluginName: string, task: PluginTaskType): TaskTypeDefinition {
  let definition = definitions.get(task);
  if (definition) return definition;
  const shape = (task.properties as { shape?: z.ZodRawShape } | undefined)?.shape;
  if (!shape || typeof shape !== 'object') throw new PluginLoadError(spec, `task type ${task.type}: properties must be a z.object() of prop.*() schemas`);
  for (const [property, schema] of Object.entries(shape)) {
    try {
      propertyKind(schema as z.ZodType);
    } catch {
      throw new PluginLoadError(spec, `task type ${task.type}: property '${property}' is not declared with prop.*() of @osprey/plugin-sdk`);
    }
  }
  try {
    definition = pluginTaskType(pluginName, task.type, shape, { aliases: task.aliases, deprecated: task.deprecated });
  } catch (error) {
    throw new PluginLoadError(spec, (error as Error).message);
  }
  definitions.set(task, definition);
  return definition;
}

/** A path (`./x`, `../x`, `/x`) names a package folder or a module file; anything else is a package name. */
function locate(spec: string, baseDir: string): { packageDir?: string; entry: string } {
  if (spec.trim() === '') throw new PluginLoadError(JSON.stringify(spec), 'an empty name');
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  if (isPath) {
    const path = resolve(baseDir, spec);
    if (!existsSync(path)) throw new PluginLoadError(spec, `${path} does not exist`);
    if (statSync(path).isDirectory()) return { packageDir: path, entry: packageEntry(spec, path) };
    return { entry: path };
  }
  // Node's own lookup of a bare name, started from baseDir rather than from Osprey's install.
  for (let dir = baseDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', spec);
    if (existsSync(join(candidate, 'package.json'))) return { packageDir: candidate, entry: packageEntry(spec, candidate) };
    if (dirname(dir) === dir) break;
  }
  throw new PluginLoadError(spec, `no package of that name is installed in ${baseDir}/node_modules or a parent folder's (npm install ${spec})`);
}

function readManifest(spec: string, packageDir: string): Record<string, unknown> {
  const file = join(packageDir, 'package.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new PluginLoadError(spec, `${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The module a package folder's package.json names for `import` (exports "." with import or default, else main). */
function packageEntry(spec: string, packageDir: string): string {
  const manifest = readManifest(spec, packageDir);
  const exported = exportTarget(manifest.exports);
  const relative = exported ?? (typeof manifest.main === 'string' ? manifest.main : 'index.js');
  const entry = resolve(packageDir, relative);
  if (!existsSync(entry)) throw new PluginLoadError(spec, `its entry module ${entry} does not exist (is the plugin built?)`);
  return entry;
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (!exports || typeof exports !== 'object') return undefined;
  const record = exports as Record<string, unknown>;
  const root = '.' in record ? record['.'] : record;
  if (typeof root === 'string') return root;
  if (!root || typeof root !== 'object') return undefined;
  const conditions = root as Record<string, unknown>;
  for (const condition of ['import', 'node', 'default']) {
    const target = exportTarget(conditions[condition]);
    if (target) return target;
  }
  return undefined;
}
