/**
 * The simple property types that flows are checked against before run time.
 * `tasks` is a list of tasks, `taskCases` a map of task lists (Switch.cases), `dagTasks` a list of
 * `{task, dependsOn}` (Dag.tasks), `conditions` a list of trigger conditions, `inputs` a list of input
 * declarations (Pause.onResume); `stringOrList` a string or a list of strings.
 */
export type PropertyType =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'duration'
  | 'map'
  | 'list'
  | 'stringOrList'
  | 'tasks'
  | 'taskCases'
  | 'dagTasks'
  | 'conditions'
  | 'conditionMap'
  | 'inputs'
  | 'any';

export interface PropertySpec {
  type: PropertyType;
  required?: boolean;
  /** Allowed values of a `string` property (case-sensitive, as Kestra's enums). */
  values?: readonly string[];
}

/** What Osprey knows statically about one plugin type (task, trigger or condition). */
export interface PluginDefinition {
  /** Canonical type name, e.g. `io.kestra.plugin.core.log.Log`. */
  name: string;
  /** Older names that Kestra still accepts for the same type. */
  aliases: readonly string[];
  /** Every property the type accepts besides the common ones; anything else is rejected. */
  properties: Readonly<Record<string, PropertySpec>>;
  /** Names of the properties that must be present. */
  required: readonly string[];
  deprecated?: boolean;
}

/** Shorthand used by the registries: `'string!'` is a required string property. */
export type PropertyShorthand = `${PropertyType}` | `${PropertyType}!` | PropertySpec;

export function properties(shorthand: Record<string, PropertyShorthand>): Record<string, PropertySpec> {
  const result: Record<string, PropertySpec> = {};
  for (const [name, spec] of Object.entries(shorthand)) {
    if (typeof spec !== 'string') result[name] = spec;
    else if (spec.endsWith('!')) result[name] = { type: spec.slice(0, -1) as PropertyType, required: true };
    else result[name] = { type: spec as PropertyType };
  }
  return result;
}

export function requiredProperties(props: Readonly<Record<string, PropertySpec>>): string[] {
  return Object.entries(props)
    .filter(([, spec]) => spec.required)
    .map(([name]) => name);
}

/** Indexes definitions by canonical name and by every alias. */
export function indexByName<T extends PluginDefinition>(definitions: readonly T[]): ReadonlyMap<string, T> {
  const index = new Map<string, T>();
  for (const definition of definitions) {
    index.set(definition.name, definition);
    for (const alias of definition.aliases) index.set(alias, definition);
  }
  return index;
}
