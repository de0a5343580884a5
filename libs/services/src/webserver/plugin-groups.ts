import type { PluginDefinition, TaskTypeDefinition } from '@osprey/flow-model';
import type { LoadedPlugin } from '@osprey/plugins';

/** One type of a plugin group, as Kestra's `Plugin.PluginElementMetadata` lists it. */
export interface PluginElement {
  cls: string;
  /** Only when deprecated (Kestra omits `false`). */
  deprecated?: true;
  description?: string;
}

/** Kestra's `Plugin`: one plugin (or one subgroup of it) with the class names of its types, by kind. */
export interface PluginGroup {
  name: string;
  title: string;
  description?: string;
  group: string;
  version?: string;
  guides: string[];
  aliases: string[];
  tasks: PluginElement[];
  triggers: PluginElement[];
  conditions: PluginElement[];
  controllers: PluginElement[];
  storages: PluginElement[];
  secrets: PluginElement[];
  taskRunners: PluginElement[];
  apps: PluginElement[];
  appBlocks: PluginElement[];
  charts: PluginElement[];
  dataFilters: PluginElement[];
  dataFiltersKPI: PluginElement[];
  logExporters: PluginElement[];
  additionalPlugins: PluginElement[];
  categories: string[];
  subGroup?: string;
}

/** The types a group is built from, by kind. */
export interface TypeRegistry {
  tasks: readonly TaskTypeDefinition[];
  triggers: readonly PluginDefinition[];
  conditions: readonly PluginDefinition[];
}

interface GroupInfo {
  group: string;
  name: string;
  title: string;
  categories: string[];
  version?: string;
  /** Descriptions of a loaded plugin's task types (what `defineTaskType` declared). */
  descriptions?: ReadonlyMap<string, string>;
}

const script = (lang: string, title: string): GroupInfo => ({ group: `io.kestra.plugin.scripts.${lang}`, name: `plugin-script-${lang}`, title, categories: ['SCRIPT'] });

/** Osprey's own types fall into the Kestra plugins that declare them (their group is their package prefix). */
const BUILT_IN_GROUPS: readonly GroupInfo[] = [
  { group: 'io.kestra.plugin.core', name: 'core', title: 'core', categories: ['CORE'] },
  { group: 'io.kestra.plugin.notifications', name: 'plugin-notifications', title: 'Notifications', categories: ['ALERTING'] },
  { group: 'io.kestra.plugin.git', name: 'plugin-git', title: 'Git', categories: ['TOOL'] },
  { group: 'io.kestra.plugin.aws', name: 'plugin-aws', title: 'AWS', categories: ['CLOUD'] },
  { group: 'io.kestra.plugin.minio', name: 'plugin-minio', title: 'MinIO', categories: ['STORAGE'] },
  { group: 'io.kestra.plugin.jdbc.postgresql', name: 'plugin-jdbc-postgres', title: 'PostgreSQL', categories: ['DATABASE'] },
  { group: 'io.kestra.plugin.jdbc.mysql', name: 'plugin-jdbc-mysql', title: 'MySQL', categories: ['DATABASE'] },
  { group: 'io.kestra.plugin.jdbc.sqlite', name: 'plugin-jdbc-sqlite', title: 'SQLite', categories: ['DATABASE'] },
  script('shell', 'Shell'),
  script('python', 'Python'),
  script('node', 'Node'),
  script('ruby', 'Ruby'),
  script('r', 'R'),
  script('julia', 'Julia'),
  script('powershell', 'PowerShell'),
  script('go', 'Go'),
];

const packageOf = (cls: string) => cls.slice(0, Math.max(cls.lastIndexOf('.'), 0));

/** The longest dotted prefix the packages share: the group of a loaded plugin's types. */
function commonPackage(classes: readonly string[]): string {
  const split = classes.map((cls) => packageOf(cls).split('.'));
  const first = split[0] ?? [];
  let length = 0;
  while (length < first.length && split.every((parts) => parts[length] === first[length])) length++;
  return first.slice(0, length).join('.');
}

/** The group each plugin a configuration loaded forms, named after its package. */
function loadedGroups(plugins: readonly LoadedPlugin[]): Map<string, GroupInfo> {
  const groups = new Map<string, GroupInfo>();
  for (const plugin of plugins) {
    const descriptions = new Map(plugin.tasks.flatMap((task) => (task.description ? [[task.definition.name, task.description] as const] : [])));
    groups.set(plugin.name, {
      group: commonPackage(plugin.tasks.map((task) => task.definition.name)),
      name: plugin.name,
      title: plugin.name,
      categories: [],
      ...(plugin.version ? { version: plugin.version } : {}),
      descriptions,
    });
  }
  return groups;
}

function builtInGroup(cls: string): GroupInfo | undefined {
  let best: GroupInfo | undefined;
  for (const info of BUILT_IN_GROUPS) if (cls.startsWith(`${info.group}.`) && (!best || info.group.length > best.group.length)) best = info;
  return best;
}

type Kind = 'tasks' | 'triggers' | 'conditions';

interface Member {
  kind: Kind;
  definition: PluginDefinition;
}

/**
 * Kestra's plugin list: one entry per plugin (Osprey's own types under the Kestra plugins that declare them, then one
 * per plugin of the `plugins` configuration key), each listing its types' class names by kind. With `subgroups`, each
 * package below a plugin's group follows as an entry of its own, listing only that package's types.
 */
export function pluginGroups(registry: TypeRegistry, plugins: readonly LoadedPlugin[], options: { subgroups?: boolean } = {}): PluginGroup[] {
  const loaded = loadedGroups(plugins);
  const members = new Map<GroupInfo, Member[]>();
  const add = (kind: Kind, definition: PluginDefinition) => {
    const plugin = (definition as Partial<TaskTypeDefinition>).plugin;
    const info = plugin !== undefined ? loaded.get(plugin) : builtInGroup(definition.name);
    // A type outside every known group is a missing row of BUILT_IN_GROUPS (a spec checks there is none).
    if (!info) throw new Error(`type ${definition.name} belongs to no plugin group`);
    const list = members.get(info) ?? [];
    list.push({ kind, definition });
    members.set(info, list);
  };
  for (const definition of registry.tasks) add('tasks', definition);
  for (const definition of registry.triggers) add('triggers', definition);
  for (const definition of registry.conditions) add('conditions', definition);

  const result: PluginGroup[] = [];
  const subgroups: PluginGroup[] = [];
  for (const [info, list] of members) {
    result.push(entry(info, list));
    if (!options.subgroups) continue;
    const packages = [...new Set(list.map((m) => packageOf(m.definition.name)).filter((p) => p.startsWith(`${info.group}.`)))].sort();
    for (const subgroup of packages) subgroups.push(entry(info, list.filter((m) => packageOf(m.definition.name) === subgroup), subgroup));
  }
  return [...result, ...subgroups];
}

/** The group names and subgroup packages of the plugin list, as `/plugins/icons/groups` keys them. */
export function pluginGroupNames(registry: TypeRegistry, plugins: readonly LoadedPlugin[]): string[] {
  return pluginGroups(registry, plugins, { subgroups: true }).map((group) => group.subGroup ?? group.group);
}

function entry(info: GroupInfo, members: readonly Member[], subGroup?: string): PluginGroup {
  const of = (kind: Kind) => members.filter((m) => m.kind === kind).map((m) => element(info, m.definition));
  const segment = subGroup?.slice(subGroup.lastIndexOf('.') + 1);
  return {
    name: info.name,
    title: segment ? segment.charAt(0).toUpperCase() + segment.slice(1) : info.title,
    group: info.group,
    ...(info.version ? { version: info.version } : {}),
    guides: [],
    aliases: members.flatMap((m) => m.definition.aliases),
    tasks: of('tasks'),
    triggers: of('triggers'),
    conditions: of('conditions'),
    // Kinds Osprey has no types of (storages, secrets and the others are configuration, not plugins).
    controllers: [],
    storages: [],
    secrets: [],
    taskRunners: [],
    apps: [],
    appBlocks: [],
    charts: [],
    dataFilters: [],
    dataFiltersKPI: [],
    logExporters: [],
    additionalPlugins: [],
    categories: [...info.categories],
    ...(subGroup ? { subGroup } : {}),
  };
}

function element(info: GroupInfo, definition: PluginDefinition): PluginElement {
  const description = info.descriptions?.get(definition.name);
  return { cls: definition.name, ...(definition.deprecated ? { deprecated: true as const } : {}), ...(description ? { description } : {}) };
}
