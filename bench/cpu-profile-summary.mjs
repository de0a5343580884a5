// Summarizes a V8 .cpuprofile (from `npm run bench -- --profile <dir>`): the functions with the most
// self time and the most inclusive time, as file:line function, to find the hot spots of the server.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpu-profile-summary.mjs <file.cpuprofile> [top=25]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

// Sample counts → time: each sample stands for the delta that follows it.
const selfMs = new Map();
const deltas = profile.timeDeltas ?? [];
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (deltas[i + 1] ?? 0) / 1000));
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);

const nameOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '(native)';
  return `${where} ${functionName || '(anonymous)'}`;
};

const self = new Map();
const inclusive = new Map();
for (const [id, time] of selfMs) {
  const node = byId.get(id);
  self.set(nameOf(node), (self.get(nameOf(node)) ?? 0) + time);
  // Count each function once per stack, so recursion does not inflate its inclusive time.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const name = nameOf(byId.get(at));
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
}

const print = (title, map) => {
  console.log(`\n${title} (of ${(total / 1000).toFixed(2)} s sampled)`);
  for (const [name, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${time.toFixed(0).padStart(8)} ms ${((100 * time) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
};
print('Self time', self);
print('Inclusive time', inclusive);
