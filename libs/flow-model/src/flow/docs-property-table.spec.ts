import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateFlowValue } from './parse-flow.js';
import { propertyCatalog } from './property-catalog.js';

// The property table of docs/flows.md must say what the validator does, row by row, so neither drifts.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

interface Row {
  scope: string;
  property: string;
  value?: string;
  status: 'supported' | 'refused';
  /** The status cell starts `supported, no expression`: the property is read as written. */
  literal: boolean;
}

function tableRows(): Row[] {
  const text = readFileSync(join(repoRoot, 'docs/flows.md'), 'utf8');
  const start = text.indexOf('<!-- property-table:start -->');
  const end = text.indexOf('<!-- property-table:end -->');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| scope'))
    .map((line) => {
      const [scope, property, status] = line.split('|').slice(1).map((cell) => cell.trim());
      const [name, value] = property!.replace(/`/g, '').split(': ');
      if (!status!.startsWith('supported') && status !== 'refused') throw new Error(`unknown status '${status}' in row: ${line}`);
      return { scope: scope!, property: name!, value, status: status!.startsWith('supported') ? 'supported' : 'refused', literal: status!.startsWith('supported, no expression') };
    });
}

const LOG = { id: 'log', type: 'io.kestra.plugin.core.log.Log', message: 'hi' };

/** A flow holding the row's property in its scope, and the path where the validator must report it. */
function flowWith(row: Row): { flow: Record<string, unknown>; path: string } {
  const [kind, type] = row.scope.split(' ');
  const value = row.value ?? 'x';
  const flow: Record<string, unknown> = { id: 'f', namespace: 'n', tasks: [LOG] };
  // The row's own property overrides nothing the scope needs (its `id` or `type`, say).
  const put = (target: Record<string, unknown>) => ({ ...target, [row.property]: target[row.property] ?? value });
  switch (kind) {
    case 'flow':
      return { flow: put(flow), path: row.property };
    case 'retry':
      return { flow: { ...flow, retry: put({ type: type ?? 'constant' }) }, path: `retry.${row.property}` };
    case 'concurrency':
      return { flow: { ...flow, concurrency: put({ limit: 1 }) }, path: `concurrency.${row.property}` };
    case 'sla': {
      const required = type === 'EXECUTION_ASSERTION' ? { assert: '{{ true }}' } : { duration: 'PT1H' };
      return { flow: { ...flow, sla: [put({ id: 's', type: type ?? 'MAX_DURATION', behavior: 'NONE', ...required })] }, path: `sla[0].${row.property}` };
    }
    case 'output':
      return { flow: { ...flow, outputs: [put({ id: 'o', type: 'STRING', value: 'v' })] }, path: `outputs[0].${row.property}` };
    case 'input':
      return { flow: { ...flow, inputs: [put({ id: 'i', type: type ?? 'STRING' })] }, path: `inputs[0].${row.property}` };
    case 'task':
      return { flow: { ...flow, tasks: [put(type ? { id: 't', type } : LOG)] }, path: `tasks[0].${row.property}` };
    case 'workerGroup':
      return { flow: { ...flow, tasks: [{ ...LOG, workerGroup: put({ key: 'gpu' }) }] }, path: `tasks[0].workerGroup.${row.property}` };
    case 'trigger':
      return {
        flow: { ...flow, triggers: [put({ id: 'tr', type: type ?? 'io.kestra.plugin.core.trigger.Webhook', key: 'k' })] },
        path: `triggers[0].${row.property}`,
      };
    default:
      throw new Error(`unknown scope '${row.scope}'`);
  }
}

const refusal = /not supported by Osprey|unknown property/;

describe('the property table of docs/flows.md', () => {
  const rows = tableRows();

  it.each(rows.map((row) => [`${row.scope} ${row.property}${row.value ? `: ${row.value}` : ''} is ${row.status}`, row] as const))('%s', (_, row) => {
    const { flow, path } = flowWith(row);
    const atProperty = validateFlowValue(flow).filter((v) => v.path === path || v.path.startsWith(`${path}.`) || v.path.startsWith(`${path}[`));
    if (row.status === 'refused') {
      expect(atProperty).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(/not supported by Osprey/) })]));
    } else {
      expect(atProperty.filter((v) => refusal.test(v.message))).toEqual([]);
    }
  });

  it('lists every property the validator knows, and no other', () => {
    const documented = new Set(rows.filter((row) => !row.value).map((row) => `${row.scope} ${row.property}`));
    const known = new Set(propertyCatalog().flatMap(({ scope, properties }) => Object.keys(properties).map((name) => `${scope} ${name}`)));
    expect([...known].filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !known.has(key))).toEqual([]);
  });

  it('says which properties take no expression, and no other', () => {
    const documented = rows.filter((row) => !row.value && row.literal).map((row) => `${row.scope} ${row.property}`);
    const known = propertyCatalog().flatMap(({ scope, properties }) =>
      Object.entries(properties).flatMap(([name, spec]) => (spec.expressions === false ? [`${scope} ${name}`] : [])),
    );
    expect(documented.sort()).toEqual(known.sort());
  });

  it('lists every refused value', () => {
    const documented = new Set(rows.filter((row) => row.value).map((row) => `${row.scope} ${row.property}: ${row.value}`));
    const known = propertyCatalog().flatMap(({ scope, properties }) =>
      Object.entries(properties).flatMap(([name, spec]) => Object.keys(spec.refusedValues ?? {}).map((value) => `${scope} ${name}: ${value}`)),
    );
    expect(known.filter((key) => !documented.has(key))).toEqual([]);
  });
});
