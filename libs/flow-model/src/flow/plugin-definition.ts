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
  /**
   * Set on a property Kestra defines but Osprey does not honour: why it is refused. Validation
   * refuses it by name rather than accepting it and doing nothing.
   */
  refused?: string;
  /** Values of a `string` property that Osprey refuses although Kestra allows them, each with why. */
  refusedValues?: Readonly<Record<string, string>>;
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

/** A property Kestra defines that Osprey refuses, with the reason given to the user. */
export function refused(reason: string): PropertySpec {
  return { type: 'any', refused: reason };
}

/** The properties a flow may use: the refused ones are left out (the editor's schema, the docs). */
export function acceptedProperties(props: Readonly<Record<string, PropertySpec>>): Record<string, PropertySpec> {
  return Object.fromEntries(Object.entries(props).filter(([, spec]) => !spec.refused));
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
