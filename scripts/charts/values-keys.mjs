// What the chart tests need to prove that the values schemas and the templates agree: the keys a schema
// declares (each to be set to another valid value, and the rendering must change) and the values the
// templates read (each must be declared by the schema).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The keys of a schema a user sets one by one: Osprey's own objects are walked down to their leaves; a
 * Kubernetes-typed value, a map or a list (anything with `examples`, or without `properties`) is one key.
 * `skip` lists top-level keys left out (e.g. `global` in an app chart, checked through the umbrella).
 */
export function schemaKeys(schema, skip = []) {
  const keys = [];
  const walk = (node, path) => {
    if (node.properties && !node.examples) {
      for (const [name, child] of Object.entries(node.properties)) {
        if (path.length === 0 && skip.includes(name)) continue;
        walk(child, [...path, name]);
      }
    } else {
      keys.push({ path, schema: node });
    }
  };
  walk(schema, []);
  return keys;
}

const typesOf = (schema) => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * A valid value for a key, different from `current`: one of its `examples`, another enum member, the
 * other boolean, or the next integer. `undefined` when the key cannot change (a `const`).
 */
export function otherValue(schema, current) {
  if ('const' in schema) return undefined;
  // An empty enum member usually means "the default", which may render the same: tried last.
  const members = [...(schema.enum ?? [])].sort((a, b) => Number(a === '') - Number(b === ''));
  for (const candidate of [...(schema.examples ?? []), ...members]) if (!same(candidate, current)) return candidate;
  const types = typesOf(schema);
  if (types.includes('boolean')) return current !== true;
  if (types.includes('integer')) return typeof current === 'number' ? current + 1 : Math.max(schema.minimum ?? 0, 1) + 1;
  throw new Error(`the schema gives no other value to try: add examples (${JSON.stringify(schema)})`);
}

export function getPath(object, path) {
  return path.reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), object);
}

/** `{a: {b: value}}` for path [a, b]. */
export function valuesAt(path, value) {
  return path.reduceRight((inner, key) => ({ [key]: inner }), value);
}

/** Deep merge of plain objects (later wins; arrays and scalars are replaced), like Helm's values files. */
export function mergeValues(...layers) {
  const merge = (a, b) => {
    if (!b || typeof b !== 'object' || Array.isArray(b) || !a || typeof a !== 'object' || Array.isArray(a)) return b;
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? merge(a[k], v) : v;
    return out;
  };
  return layers.reduce((acc, layer) => merge(acc, layer), {});
}

/**
 * The value paths a chart's templates read: `.Values.a.b`, through variables (`$k := .Values.keda` then
 * `$k.redis.address`, `get $pdb "minAvailable"`), through the library's overlays of global and own keys
 * (`include "osprey.overlay" (dict ... "key" "serviceMonitor")`), and `dig "a" "b" <default> $g` on global.
 * Reads through computed names (`index $.Values $s`, `get $k.redis $key`) are not seen.
 */
export function templateReads(templatesDir) {
  const reads = [];
  for (const file of readdirSync(templatesDir).filter((f) => /\.(ya?ml|tpl)$/.test(f))) {
    const text = readFileSync(join(templatesDir, file), 'utf8');
    const add = (path, at) => reads.push({ path, file, line: text.slice(0, at).split('\n').length });
    const aliases = new Map();
    for (const m of text.matchAll(/\$(\w+) :?= \.Values((?:\.\w+)+)/g)) aliases.set(m[1], [m[2].slice(1).split('.')]);
    for (const m of text.matchAll(/\$(\w+) :?= \(include "osprey\.overlay" \(dict "context" \. "key" "(\w+)"/g)) aliases.set(m[1], [[m[2]], ['global', m[2]]]);
    for (const m of text.matchAll(/\.Values((?:\.\w+)+)/g)) add(m[1].slice(1).split('.'), m.index);
    for (const m of text.matchAll(/\$(\w+)((?:\.\w+)+)/g)) {
      for (const prefix of aliases.get(m[1]) ?? []) add([...prefix, ...m[2].slice(1).split('.')], m.index);
    }
    for (const m of text.matchAll(/get \$(\w+) "(\w+)"/g)) for (const prefix of aliases.get(m[1]) ?? []) add([...prefix, m[2]], m.index);
    for (const m of text.matchAll(/"key" "(\w+)"/g)) add([m[1]], m.index);
    // dig "k1" "k2" <default> $g: every quoted word but the default, on global.
    for (const m of text.matchAll(/dig ((?:"[^"]*" )+)(\S+ )?\$g\b/g)) {
      const words = [...m[1].matchAll(/"([^"]*)"/g)].map((w) => w[1]);
      add(['global', ...(m[2] ? words : words.slice(0, -1))], m.index);
    }
  }
  return reads;
}

/** Whether a schema declares a path (free-form objects and maps accept any key below them). */
export function schemaDeclares(schema, path) {
  let node = schema;
  for (const key of path) {
    if (node.properties?.[key]) node = node.properties[key];
    else if (node.additionalProperties === false) return false;
    else return true;
  }
  return true;
}
