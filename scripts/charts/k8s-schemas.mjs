// Turns the schemas of the PyPI package kubernetes-validate into files kubeconform can read offline.
// Each shipped file refs `/api/_definitions.json#/$defs/...` and carries an `$id` under kubernetes.io,
// so kubeconform cannot resolve them ("could not find schema"). For every top-level kind this writes a
// standalone file: refs made local, `$id` dropped, and the definitions it reaches copied into `$defs`.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REMOTE = '/api/_definitions.json#/$defs/';

/** kubeconform's file name: `<kind>[-<first label of the group>]-<version>.json`, all lower case. */
export function schemaFileName({ group, kind, version }) {
  const suffix = group ? `-${group.split('.')[0]}-${version}` : `-${version}`;
  return `${kind}${suffix}.json`.toLowerCase();
}

function collectRefs(node, into) {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) into.add(value.slice('#/$defs/'.length));
      else collectRefs(value, into);
    }
  }
}

/** Writes the standalone schemas of `sourceDir` into `targetDir` (atomically); returns how many. */
export function writeStandaloneSchemas(sourceDir, targetDir) {
  const definitions = JSON.parse(readFileSync(join(sourceDir, '_definitions.json'), 'utf8')).$defs;
  const staging = `${targetDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  let count = 0;
  for (const file of readdirSync(sourceDir)) {
    if (!file.endsWith('.json') || file.startsWith('_') || file === 'all.json') continue;
    const text = readFileSync(join(sourceDir, file), 'utf8');
    const schema = JSON.parse(text.split(`"${REMOTE}`).join('"#/$defs/'));
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks) || gvks.length === 0) continue;
    delete schema.$id;
    // Transitive closure of the definitions this kind reaches.
    const needed = new Set();
    collectRefs(schema, needed);
    const queue = [...needed];
    while (queue.length) {
      const name = queue.pop();
      const found = new Set();
      collectRefs(definitions[name], found);
      for (const ref of found) {
        if (!needed.has(ref)) {
          needed.add(ref);
          queue.push(ref);
        }
      }
    }
    schema.$defs = Object.fromEntries([...needed].sort().map((name) => [name, definitions[name]]));
    for (const gvk of gvks) {
      writeFileSync(join(staging, schemaFileName(gvk)), JSON.stringify(schema));
      count++;
    }
  }
  writeFileSync(join(staging, '.complete'), `${count}\n`);
  rmSync(targetDir, { recursive: true, force: true });
  renameSync(staging, targetDir);
  return count;
}
