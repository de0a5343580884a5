import { z } from 'zod';
import { propertyKind, type PropertyType } from './property-schema.js';

export type { PropertyType } from './property-schema.js';

/** What the docs, the plugins API and the flow-level validator know of one property. */
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
  /** Set on a property read as written: it takes no expression. */
  expressions?: false;
}

/** Properties Kestra defines that Osprey refuses, each with why: they are in no schema, so validation names them. */
export type RefusedProperties = Readonly<Record<string, string>>;

/** What Osprey knows statically about one plugin type (task, trigger or condition). */
export interface PluginDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  /** Canonical type name, e.g. `io.kestra.plugin.core.log.Log`. */
  name: string;
  /** Older names that Kestra still accepts for the same type. */
  aliases: readonly string[];
  /** The type's own properties (besides the common ones), each declared once with `prop.*()`. */
  shape: S;
  /** The own properties as one zod object: `z.infer` of it is what the type's implementation reads. */
  schema: z.ZodObject<S, z.core.$strip>;
  /** Own properties Kestra defines that Osprey refuses. */
  refused: RefusedProperties;
  /** Every own property, refused ones included, as the docs and the plugins API list them (derived from `shape`). */
  properties: Readonly<Record<string, PropertySpec>>;
  /** Names of the own properties that must be present (derived from `shape`). */
  required: readonly string[];
  deprecated?: boolean;
}

/** The typed properties of a plugin type, as its implementation reads them. */
export type PropertiesOf<D extends PluginDefinition> = z.infer<D['schema']>;

/** The parts of a definition that follow from its declared properties. */
export function declaredProperties<S extends z.ZodRawShape>(
  shape: S,
  refused: RefusedProperties = {},
): Pick<PluginDefinition<S>, 'shape' | 'schema' | 'refused' | 'properties' | 'required'> {
  const properties = propertySpecs(shape, refused);
  return { shape, schema: z.object(shape), refused, properties, required: requiredProperties(properties) };
}

/** The descriptor of each property of a zod shape built with `prop.*()`, plus the refused ones. */
export function propertySpecs(shape: z.ZodRawShape, refused: RefusedProperties = {}): Record<string, PropertySpec> {
  const result: Record<string, PropertySpec> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const { type, required, values, refusedValues, expressions } = propertyKind(schema as z.ZodType);
    result[name] = {
      type,
      ...(required ? { required } : {}),
      ...(values ? { values } : {}),
      ...(refusedValues ? { refusedValues } : {}),
      ...(expressions === false ? { expressions } : {}),
    };
  }
  for (const [name, reason] of Object.entries(refused)) result[name] = refusedProperty(reason);
  return result;
}

/** A property Kestra defines that Osprey refuses, with the reason given to the user. */
function refusedProperty(reason: string): PropertySpec {
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
export function indexByName<T extends { name: string; aliases: readonly string[] }>(definitions: readonly T[]): ReadonlyMap<string, T> {
  const index = new Map<string, T>();
  for (const definition of definitions) {
    index.set(definition.name, definition);
    for (const alias of definition.aliases) index.set(alias, definition);
  }
  return index;
}
