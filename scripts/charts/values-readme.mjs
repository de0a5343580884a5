// The values reference of every chart, charts/<chart>/README.md, made from its values.schema.json (types,
// allowed values, descriptions) and its values.yaml (defaults), so that the reference cannot drift from
// what Helm checks. `node scripts/charts/values-readme.mjs` rewrites them; the chart tests fail when a
// committed README differs from what this script makes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { getPath, schemaKeys } from './values-keys.mjs';
import { APP_COMPONENTS, valuesSchemas } from './values-schemas.mjs';

const chartsDir = fileURLToPath(new URL('../../charts', import.meta.url));
/** Set by Helm or by the chart itself: not for users. */
const INTERNAL = ['osprey-common', 'component'];

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const typeOf = (schema) => {
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ['object'];
  return types.join(' or ');
};
const defaultOf = (values, path) => {
  const present = path.every((_, i) => {
    const node = getPath(values, path.slice(0, i));
    return node !== null && typeof node === 'object' && path[i] in node;
  });
  if (!present) return '';
  const json = JSON.stringify(getPath(values, path) ?? null);
  return json.length > 60 ? 'see values.yaml' : `\`${json}\``;
};
const describe = (schema) => {
  // Outside code spans a <placeholder> would read as an HTML tag.
  const parts = [(schema.description ?? '').replace(/</g, '&lt;')];
  if (schema.enum) parts.push(`One of ${schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}.`);
  if (schema.minimum !== undefined) parts.push(`Minimum ${schema.minimum}.`);
  if (schema.examples?.length) parts.push(`Example: \`${JSON.stringify(schema.examples[0])}\`.`);
  return parts.filter(Boolean).join(' ');
};

function table(schema, values, { skip = [], prefix = [] } = {}) {
  const rows = schemaKeys(schema, skip).filter((k) => !INTERNAL.includes(k.path[0]));
  return [
    '| Key | Type | Default | Description |',
    '|---|---|---|---|',
    ...rows.map((k) => `| \`${cell([...prefix, ...k.path].join('.'))}\` | ${cell(typeOf(k.schema))} | ${cell(defaultOf(values, k.path))} | ${cell(describe(k.schema))} |`),
  ].join('\n');
}

/** chart name -> README text. */
export function valuesReadmes() {
  const schemas = valuesSchemas();
  const readmes = {};
  for (const chart of APP_COMPONENTS) {
    const values = parse(readFileSync(join(chartsDir, chart, 'values.yaml'), 'utf8'));
    readmes[chart] = [
      `# Osprey ${chart} chart`,
      '',
      `<!-- Made by node scripts/charts/values-readme.mjs from values.schema.json and values.yaml: do not edit. -->`,
      '',
      `The ${chart} of an Osprey deployment. Installed through the umbrella chart (\`charts/osprey\`), every key below`,
      `sits under \`${chart}:\`; \`global\` is described in [the umbrella chart's reference](../osprey/README.md).`,
      'Helm checks every value against `values.schema.json`: an unknown key or a wrong type fails lint, template and',
      'install with its path. Walk-through: [docs/deploy-helm.md](../../docs/deploy-helm.md).',
      '',
      '## Values',
      '',
      table(schemas[chart], values, { skip: ['global'] }),
      '',
    ].join('\n');
  }
  const values = parse(readFileSync(join(chartsDir, 'osprey', 'values.yaml'), 'utf8'));
  readmes.osprey = [
    '# Osprey umbrella chart',
    '',
    '<!-- Made by node scripts/charts/values-readme.mjs from values.schema.json and values.yaml: do not edit. -->',
    '',
    'Every service of one Osprey deployment. Ready-made sizes: `deploy/helm/*.yaml`; walk-through:',
    '[docs/deploy-helm.md](../../docs/deploy-helm.md). Each service section (`webserver`, `executor`, `worker`,',
    '`scheduler`, `indexer`) takes the keys of its chart:',
    ...APP_COMPONENTS.map((c) => `[${c}](../${c}/README.md)${c === 'indexer' ? '.' : ','}`),
    'Helm checks every value against the schemas: an unknown key or a wrong type fails with its path.',
    '',
    '## Values',
    '',
    table(schemas.osprey, values),
    '',
  ].join('\n');
  return readmes;
}

export const readmeFile = (chart) => join(chartsDir, chart, 'README.md');

/** Charts whose committed README.md differs from what this script makes. */
export function staleReadmes() {
  return Object.entries(valuesReadmes())
    .filter(([chart, text]) => !existsSync(readmeFile(chart)) || readFileSync(readmeFile(chart), 'utf8') !== text)
    .map(([chart]) => chart);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmes = valuesReadmes();
  for (const [chart, text] of Object.entries(readmes)) writeFileSync(readmeFile(chart), text);
  console.log(`wrote ${Object.keys(readmes).length} README.md files`);
}
