import { z } from 'zod';
import { isDuration } from './duration.js';
import type { Condition, FlowInput, Task } from './flow.js';

/**
 * The kinds of property a task, trigger or condition declares. `tasks` is a list of tasks, `taskCases` a map of
 * task lists (Switch.cases), `dagTasks` a list of `{task, dependsOn}` (Dag.tasks), `conditions` a list of trigger
 * conditions, `conditionMap` a map of named conditions, `inputs` a list of input declarations (Pause.onResume);
 * `stringOrList` a string or a list of strings.
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

/** What a property schema built here is, beyond its zod type: read by the docs, the plugins API and the validator. */
export interface PropertyKind {
  type: PropertyType;
  /** Allowed values of an enum property, refused ones included (matched regardless of case, as Kestra's mapper). */
  values?: readonly string[];
  /** Values Kestra allows that Osprey refuses, each with why. */
  refusedValues?: Readonly<Record<string, string>>;
  /** Set on a boolean Osprey reads as written (never rendered): an expression in its place is refused. */
  expressions?: false;
}

/** The kind of each property schema, inherited by the clones `.describe()` and `.meta()` make. */
const kinds = z.registry<PropertyKind>();
/** Items that the flow JSON Schema writes as a reference to one of its definitions. */
const references = z.registry<{ ref: string }>();

/** A Pebble expression (`{{ ... }}` or `{% ... %}`): its value is only known at run time. */
export const EXPRESSION_PATTERN = /\{\{|\{%/;
type ErrorMessage = (issue: { input?: unknown }) => string | undefined;
/**
 * An expression branch of a property's union. It carries the property's own error because zod reports a lone
 * branch's issue (the only one accepting strings) instead of the union's.
 */
const expression = (error: ErrorMessage) => z.string().regex(EXPRESSION_PATTERN, { error });

const TYPE_DESCRIPTIONS: Record<PropertyType, string> = {
  string: 'Text (expressions allowed).',
  number: 'A number (or an expression).',
  integer: 'An integer (or an expression).',
  boolean: 'true or false (or an expression).',
  duration: 'ISO-8601 duration, e.g. PT30S, PT5M, PT1H, P1D.',
  map: 'A map of keys to values.',
  list: 'A list.',
  stringOrList: 'A string or a list of strings.',
  tasks: 'A list of tasks.',
  taskCases: 'A map from a value to the list of tasks run for it.',
  dagTasks: 'A list of {task, dependsOn: [task ids]}.',
  conditions: 'A list of conditions.',
  conditionMap: 'A map of named conditions.',
  inputs: 'A list of input declarations.',
  any: 'Any value.',
};

/** How a value is named in a violation: `'text'`, `42`, `a map`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/** The error of a property that holds a value of the wrong shape; a missing value is reported by the validator. */
function expected(what: string): ErrorMessage {
  return (issue) => (issue.input === undefined ? undefined : `expected ${what} but got ${describeValue(issue.input)}`);
}

function kind<T extends z.ZodType>(schema: T, info: PropertyKind, description = TYPE_DESCRIPTIONS[info.type]): T {
  const described = schema.describe(description) as T;
  kinds.add(described, info);
  return described;
}

function reference<T extends z.ZodType>(schema: T, ref: string): T {
  references.add(schema, { ref });
  return schema;
}

// Child items are checked one by one by the flow validator (ids, types, positions), not by their parent's schema.
const taskItem = reference(z.custom<Task>(() => true), 'task');
const dagItem = reference(z.custom<{ task: Task; dependsOn?: string[] }>(() => true), 'dagTask');
const conditionItem = reference(z.custom<Condition>(() => true), 'condition');
const inputItem = reference(z.custom<FlowInput>(() => true), 'input');

/** Text (Kestra renders scalars to text, so numbers and booleans are accepted too); expressions allowed. */
function string() {
  return kind(z.union([z.string(), z.number(), z.boolean()], { error: expected('a string') }), { type: 'string' });
}

/**
 * One of `values`, in any case, or an expression; `refusedValues` are values Kestra has that Osprey refuses, each
 * with why. The editor's schema offers the accepted values only.
 */
function enumOf<const V extends string>(values: readonly V[], refusedValues?: Readonly<Partial<Record<V, string>>>) {
  const refused: Record<string, string> = {};
  for (const [value, reason] of Object.entries<string | undefined>(refusedValues ?? {})) if (reason) refused[value] = reason;
  const accepted = values.filter((value) => !refused[value]);
  const upper = new Set(accepted.map((value) => value.toUpperCase()));
  const error: ErrorMessage = (issue) => {
    const input = issue.input;
    if (input === undefined) return undefined;
    if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'boolean') return `expected a string but got ${describeValue(input)}`;
    const text = String(input);
    const reason = Object.entries(refused).find(([value]) => value.toUpperCase() === text.toUpperCase())?.[1];
    if (reason) return `value '${text}' is not supported by Osprey: ${reason}`;
    return `must be one of ${values.join(', ')} but got '${text}'`;
  };
  // The literal branch comes first so that z.infer names the values; other cases and expressions are strings.
  const anyCase = z.string().refine((text) => upper.has(text.toUpperCase()), { error });
  const schema = z.union([z.enum(accepted as [V, ...V[]], { error }), anyCase, expression(error)], { error });
  const info: PropertyKind = { type: 'string', values, ...(accepted.length < values.length ? { refusedValues: refused } : {}) };
  return kind(schema, info, `One of ${accepted.join(', ')} (or an expression).`);
}

function number() {
  const error = expected('a number');
  const numeric = z.string().refine((text) => text.trim() !== '' && !isNaN(Number(text)), { error });
  return kind(z.union([z.number({ error }), numeric, expression(error)], { error }), { type: 'number' });
}

function integer() {
  const error = expected('an integer');
  const integral = z.string().refine((text) => text.trim() !== '' && Number.isInteger(Number(text)), { error });
  return kind(z.union([z.number({ error }).int({ error }), integral, expression(error)], { error }), { type: 'integer' });
}

/** true or false, or the texts 'true'/'false' (read with {@link flag}); an expression too unless it is read as written. */
function boolean(rule: ExpressionRule = {}) {
  const error = expected('a boolean');
  if (rule.expressions === false) {
    const literal: ErrorMessage = (issue) =>
      typeof issue.input === 'string' && EXPRESSION_PATTERN.test(issue.input)
        ? `expected true or false but got ${describeValue(issue.input)}: Osprey reads this property as written, so it takes no expression`
        : error(issue);
    return kind(z.union([z.boolean({ error: literal }), z.enum(['true', 'false'], { error: literal })], { error: literal }), { type: 'boolean', expressions: false }, LITERAL_BOOLEAN);
  }
  return kind(z.union([z.boolean({ error }), z.enum(['true', 'false'], { error }), expression(error)], { error }), { type: 'boolean' });
}

/** The description of a boolean read as written: the docs tables show it. */
export const LITERAL_BOOLEAN = 'true or false (no expression).';

/** An ISO-8601 duration such as PT30S (Java's Duration.parse grammar), or an expression unless `expressions: false`. */
function duration(rule: ExpressionRule = {}) {
  const error: ErrorMessage = (issue) =>
    issue.input === undefined ? undefined : `invalid ISO-8601 duration ${describeValue(issue.input)}: expected a form like PT5S, PT0.25S, PT1H30M or P1D`;
  const iso = z.string({ error }).refine(isDuration, { error }).meta({ examples: ['PT30S', 'PT5M', 'PT1H', 'P1D'] });
  return kind(rule.expressions === false ? iso : z.union([iso, expression(error)], { error }), { type: 'duration' });
}

/** Where the executor reads a property as written, `{ expressions: false }` refuses an expression in its place. */
interface ExpressionRule {
  expressions?: boolean;
}

/** A map whose keys Osprey reads one by one: any other key is refused by name rather than ignored. */
interface KnownKeys {
  keys?: readonly string[];
}

/** A map, or an expression rendering to one (unless the property is never rendered whole). */
function map<V extends z.ZodType = z.ZodUnknown>(values?: V, rule: ExpressionRule & KnownKeys = {}) {
  const error = expected('a map');
  const record = z.record(z.string(), (values ?? z.unknown()) as V, { error });
  const known = rule.keys;
  const entries = known
    ? record.superRefine((value, context) => {
        for (const key of Object.keys(value)) {
          if (!known.includes(key)) context.addIssue({ code: 'custom', path: [key], message: `unknown or unsupported option '${key}': Osprey honours ${known.join(', ')}` });
        }
      })
    : record;
  return kind(rule.expressions === false ? entries : z.union([entries, expression(error)], { error }), { type: 'map' });
}

/** A list, or an expression rendering to one (unless the property is never rendered whole). */
function list<I extends z.ZodType = z.ZodUnknown>(items?: I, rule: ExpressionRule = {}) {
  const error = expected('a list');
  const items_ = z.array((items ?? z.unknown()) as I, { error });
  return kind(rule.expressions === false ? items_ : z.union([items_, expression(error)], { error }), { type: 'list' });
}

/** A text or a list (Kestra's `commands`, `outputFiles`, ...): a text rendering to a JSON array is a list too. */
function stringOrList() {
  return kind(z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())], { error: expected('a string or a list') }), { type: 'stringOrList' });
}

/** Child tasks: never an expression; `allowEmpty` for optional lists such as If.else. */
function tasks(options: { allowEmpty?: boolean } = {}) {
  const list = z.array(taskItem, { error: expected('a list of tasks') });
  return kind(options.allowEmpty ? list : list.min(1, { error: 'must hold at least one task' }), { type: 'tasks' });
}

/** Switch.cases: a map from a value to a non-empty list of tasks. */
function taskCases() {
  return kind(z.record(z.string(), tasks(), { error: expected('a map of task lists') }), { type: 'taskCases' });
}

/** Dag.tasks: a list of `{task, dependsOn}`. */
function dagTasks() {
  return kind(z.array(dagItem, { error: expected('a list of {task, dependsOn}') }), { type: 'dagTasks' });
}

function conditions() {
  const error = expected('a list of conditions');
  return kind(z.union([z.array(conditionItem, { error }), expression(error)], { error }), { type: 'conditions' });
}

function conditionMap() {
  return kind(z.record(z.string(), conditionItem, { error: expected('a map of conditions') }), { type: 'conditionMap' });
}

function inputs() {
  return kind(z.array(inputItem, { error: expected('a list of inputs') }), { type: 'inputs' });
}

/** A value that is there: null counts as absent, as in Kestra. */
export type Present = string | number | boolean | bigint | object;

/** Any value but null (which counts as absent); required unless `.optional()`. */
function any() {
  return kind(z.custom<Present>((value) => value !== undefined), { type: 'any' });
}

/**
 * The property schemas tasks, triggers and conditions are declared with. Each accepts what Kestra accepts for the
 * property, a Pebble expression wherever Kestra renders the property at run time, and reports a wrong value with the
 * validator's wording (`expected an integer but got 'x'`).
 */
export const prop = { string, enumOf, number, integer, boolean, duration, map, list, stringOrList, tasks, taskCases, dagTasks, conditions, conditionMap, inputs, any };

/** A property schema without its `.optional()` wrapper, and whether it had one. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
    optional = true;
    inner = (inner as z.ZodOptional<z.ZodType>).unwrap();
  }
  return { inner, optional };
}

/** The kind of a property declared with {@link prop}, and whether it is required. */
export function propertyKind(schema: z.ZodType): PropertyKind & { required: boolean } {
  const { inner, optional } = unwrap(schema);
  const info = kinds.get(inner);
  if (!info) throw new Error('property schemas are built with prop.*()');
  return { ...info, required: !optional };
}

/** The definition a schema is written as a `$ref` to in the flow JSON Schema (`task`, `condition`, ...), if any. */
export function schemaReference(schema: z.ZodType): string | undefined {
  return references.get(schema)?.ref;
}

/** Whether `schema` is an enum built by {@link prop.enumOf}, and its accepted values. */
export function acceptedEnumValues(schema: z.ZodType): readonly string[] | undefined {
  const info = kinds.get(schema);
  if (!info?.values) return undefined;
  return info.values.filter((value) => !info.refusedValues?.[value]);
}
