import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { CallArguments, CallContext, PebbleFunction } from './evaluation-context.js';
import { decryptText, encryptText, IV_LENGTH } from './aes-encryption.js';
import { fromIonText } from './ion-text.js';
import { formatDate } from './java-date-format.js';
import { compareValues, fromJsonText, isMap, toJson, toNumber, toText } from './pebble-values.js';
import { range } from './pebble-range.js';
import { ksuid, nanoId, shortId } from './unique-ids.js';
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

/**
 * `length` (at most 32) random bytes: hashed from the injected id source when there is one (the executor's ids, of
 * any shape), so that a decision depends on its inputs only; from the crypto generator otherwise.
 */
function randomBytesFor(ctx: CallContext, length: number): Buffer {
  return ctx.options.uuid ? createHash('sha256').update(ctx.options.uuid()).digest().subarray(0, length) : randomBytes(length);
}

function stringArgument(args: CallArguments, ctx: CallContext, fn: string, index: number, name: string): string {
  if (!args.has(index, name)) return ctx.fail(`The '${fn}' function expects an argument '${name}'.`);
  const value = args.get(index, name);
  if (typeof value !== 'string') return ctx.fail(`The '${fn}' function expects an argument '${name}' with type string.`);
  return value;
}

function fileStat(fn: string, args: CallArguments, ctx: CallContext): { path: string; info: { size: number } | null } {
  const path = stringArgument(args, ctx, fn, 0, 'path');
  if (!ctx.options.stat) return ctx.fail(`Cannot use ${fn}('${path}'): files are not available here`);
  return { path, info: ctx.options.stat(path) };
}

/** The flow's namespace, for functions that address its namespace files. */
function flowNamespace(ctx: CallContext, fn: string): string {
  const flow = ctx.variables().flow;
  const namespace = isMap(flow) ? flow.namespace : undefined;
  if (typeof namespace !== 'string' || namespace === '') return ctx.fail(`The '${fn}' function needs the flow's namespace`);
  return namespace;
}

/** Kestra functions Osprey does not run: they fail naming themselves rather than render empty. */
const UNSUPPORTED: Record<string, string> = {
  http: 'fetch the payload with an io.kestra.plugin.core.http.Request task instead',
  randomPort: 'ports of the worker host are not handed out to expressions',
  credential: 'managed credentials are an Enterprise Edition feature',
  appLink: 'apps are an Enterprise Edition feature',
};

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
  // All the variables of the context as one map (Kestra 0.19+: fetchContext; printContext prints it).
  fetchContext: (_args, ctx) => ({ ...ctx.variables() }),
  fromIon: (args, ctx) => {
    if (!args.has(0, 'ion')) return ctx.fail("The 'fromIon' function expects an argument 'ion'.");
    const ion = args.get(0, 'ion');
    if (ion === null || ion === undefined) return null;
    if (typeof ion !== 'string') return ctx.fail("The 'fromIon' function expects an argument 'ion' with type string.");
    try {
      return fromIonText(ion);
    } catch (error) {
      return ctx.fail(`Invalid ion: ${(error as Error).message}`);
    }
  },
  // Kestra's older name of fromIon.
  ionDecode: (args, ctx) => FUNCTIONS.fromIon!(args, ctx),
  encrypt: (args, ctx) => {
    if (!args.has(0, 'key') || !args.has(1, 'plaintext')) return ctx.fail("The 'encrypt' function expects two arguments 'key' and 'plaintext'.");
    const plaintext = args.get(1, 'plaintext');
    if (plaintext === null || plaintext === undefined) return plaintext ?? null;
    return encryptText(toText(args.get(0, 'key')), toText(plaintext), randomBytesFor(ctx, IV_LENGTH));
  },
  decrypt: (args, ctx) => {
    if (!args.has(0, 'key') || !args.has(1, 'encrypted')) return ctx.fail("The 'decrypt' function expects two arguments 'key' and 'encrypted'.");
    const encrypted = args.get(1, 'encrypted');
    if (encrypted === null || encrypted === undefined) return encrypted ?? null;
    return decryptText(toText(args.get(0, 'key')), toText(encrypted));
  },
  fileURI: (args, ctx) => {
    let path = stringArgument(args, ctx, 'fileURI', 0, 'path').replace(/^\/+/, '');
    if (path.split('/').some((segment) => segment === '..')) ctx.fail(`fileURI('${path}'): the path must not contain '..'`);
    path = path.replace(/^\.\//, '');
    return `kestra:///${flowNamespace(ctx, 'fileURI').replace(/\./g, '/')}/_files/${path}`;
  },
  fileSize: (args, ctx) => {
    const { path, info } = fileStat('fileSize', args, ctx);
    if (!info) return ctx.fail(`fileSize('${path}'): no such file`);
    return info.size;
  },
  fileExists: (args, ctx) => fileStat('fileExists', args, ctx).info !== null,
  isFileEmpty: (args, ctx) => {
    const { path, info } = fileStat('isFileEmpty', args, ctx);
    if (!info) return ctx.fail(`isFileEmpty('${path}'): no such file`);
    return info.size === 0;
  },
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
  id: (_args, ctx) => shortId(randomBytesFor(ctx, 16)),
  ksuid: (_args, ctx) => ksuid(ctx.now(), randomBytesFor(ctx, 16)),
  nanoId: (args, ctx) => {
    const length = args.get(0, 'length');
    const alphabet = args.get(1, 'alphabet');
    return nanoId(length === undefined || length === null ? undefined : toNumber(length), alphabet === undefined || alphabet === null ? undefined : toText(alphabet), ctx.options.random);
  },
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

for (const [name, reason] of Object.entries(UNSUPPORTED)) {
  FUNCTIONS[name] = (_args, ctx) => ctx.fail(`The '${name}' function is not supported by Osprey: ${reason}`);
}
