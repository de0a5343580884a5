import { randomInt, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { CallArguments, CallContext, PebbleFunction } from './evaluation-context.js';
import { formatDate } from './java-date-format.js';
import { compareValues, fromJsonText, isMap, toJson, toNumber, toText } from './pebble-values.js';
import { range } from './pebble-range.js';
import { ZonedDateTime, zoneOf } from './zoned-date-time.js';

function renderDeep(value: unknown, ctx: CallContext, recursive: boolean): unknown {
  if (typeof value === 'string') {
    let current = value;
    // Kestra's render() renders again until the text no longer changes.
    for (let i = 0; ; i++) {
      const next = ctx.renderString(current);
      if (!recursive || next === current) return next;
      if (i > 100) ctx.fail('Maximum render() nesting depth exceeded');
      current = next;
    }
  }
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, ctx, recursive));
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, ctx, recursive);
    return out;
  }
  return value;
}

function parseJsonArg(args: CallArguments, ctx: CallContext): unknown {
  if (!args.has(0, 'json')) return ctx.fail('fromJson() needs a JSON text argument');
  const text = args.get(0, 'json');
  if (text === null || text === undefined) return null;
  return fromJsonText(toText(text));
}

function minMax(args: CallArguments, sign: number): unknown {
  const values = args.positional.length === 1 && Array.isArray(args.positional[0]) ? (args.positional[0] as unknown[]) : args.positional;
  let best: unknown = null;
  for (const v of values) if (best === null || compareValues(v, best) * sign > 0) best = v;
  return best;
}

/** Pebble's core functions plus Kestra's (now, render, secret, read, kv, fromJson, yaml...). */
export const FUNCTIONS: Record<string, PebbleFunction> = {
  now: (args, ctx) => {
    const tz = args.get(1, 'timeZone');
    const date = ZonedDateTime.ofEpochMilli(ctx.now().getTime(), tz ? zoneOf(toText(tz)) : ctx.zone);
    const format = args.get(0, 'format');
    return format === undefined || format === null ? date : formatDate(date, toText(format));
  },
  range: (args) => range(args.get(0, 'start'), args.get(1, 'end'), args.get(2, 'increment') ?? 1),
  min: (args) => minMax(args, -1),
  max: (args) => minMax(args, 1),
  render: (args, ctx) => {
    const recursive = args.get(1, 'recursive');
    return renderDeep(args.get(0, 'toRender'), ctx, recursive === undefined || recursive === null ? true : recursive === true || recursive === 'true');
  },
  renderOnce: (args, ctx) => renderDeep(args.get(0, 'toRender'), ctx, false),
  fromJson: parseJsonArg,
  json: parseJsonArg,
  jsonDecode: parseJsonArg,
  yaml: (args) => {
    const text = args.get(0, 'yaml');
    if (text === null || text === undefined) return null;
    return parseYaml(toText(text)) as unknown;
  },
  fromYaml: (args) => parseYaml(toText(args.get(0, 'yaml'))) as unknown,
  printContext: (_args, ctx) => toJson(ctx.variables()),
  secret: (args, ctx) => {
    const key = toText(args.get(0, 'key'));
    const provider = ctx.options.secret;
    if (!provider) return ctx.fail(`Cannot read secret '${key}': no secret provider is configured`);
    const value = provider(key);
    if (value === undefined) ctx.fail(`Cannot find secret for key '${key}'`);
    return value;
  },
  read: (args, ctx) => {
    const path = toText(args.get(0, 'path'));
    const reader = ctx.options.read;
    if (!reader) return ctx.fail(`Cannot read '${path}': no file reader is available here`);
    return reader(path);
  },
  kv: (args, ctx) => {
    const key = toText(args.get(0, 'key'));
    const namespace = args.get(1, 'namespace');
    const errorOnMissing = args.get(2, 'errorOnMissing');
    const store = ctx.options.kv;
    if (!store) return ctx.fail(`Cannot read KV '${key}': no key-value store is available here`);
    const value = store(key, namespace === undefined || namespace === null ? undefined : toText(namespace));
    if (value === undefined) {
      if (errorOnMissing === false) return null;
      ctx.fail(`The key '${key}' does not exist in the namespace`);
    }
    return value;
  },
  uuid: (_args, ctx) => (ctx.options.uuid ? ctx.options.uuid() : randomUUID()),
  randomInt: (args, ctx) => {
    const lower = toNumber(args.get(0, 'lower'));
    const upper = toNumber(args.get(1, 'upper'));
    if (!ctx.options.random) return randomInt(lower, upper);
    if (!(upper > lower)) ctx.fail(`randomInt() needs lower < upper, got ${lower} and ${upper}`);
    return lower + Math.floor(ctx.options.random() * (upper - lower));
  },
  block: (args, ctx) => ctx.renderBlock(toText(args.get(0, 'name'))),
  currentEachOutput: (args, ctx) => {
    if (!args.has(0, 'outputs')) return ctx.fail("The 'currentEachOutput' function expects an argument 'outputs'.");
    const outputs = args.get(0, 'outputs');
    if (!isMap(outputs)) return ctx.fail("The 'currentEachOutput' function expects an argument 'outputs' with type map.");
    // Loop outputs nest by the loop values from the outermost loop in (see outputsVariable): follow this run's.
    const vars = ctx.variables();
    const parents = Array.isArray(vars.parents) ? [...(vars.parents as unknown[])].reverse() : [];
    const values: string[] = [];
    for (const scope of [...parents, vars]) {
      const taskrun = isMap(scope) ? scope.taskrun : undefined;
      const value = isMap(taskrun) ? taskrun.value : undefined;
      if (value !== undefined && value !== null && value !== values[values.length - 1]) values.push(toText(value));
    }
    let node: unknown = outputs;
    for (const value of values) node = isMap(node) ? node[value] : undefined;
    return node ?? null;
  },
};
