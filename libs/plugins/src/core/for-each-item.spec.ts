import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { ForEachItemMergeTask } from './for-each-item-merge.js';
import { ForEachItemSplitTask } from './for-each-item-split.js';

const split = taskContexts({ id: 'each_split', type: 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemSplit' }, { expressions: 'pebble' });
const merge = taskContexts({ id: 'each_merge', type: 'io.kestra.plugin.core.flow.ForEachItem$ForEachItemMergeOutputs' });
const LINES = Array.from({ length: 7 }, (_, i) => `{"n":${i}}`);

async function splitItems(batch: Record<string, unknown> | undefined, variables: Record<string, unknown> = {}) {
  const source = await split.context({});
  const items = await source.storage.putFile('items.ion', `${LINES.join('\n')}\n`);
  const ctx = await split.context({ items: '{{ inputs.file }}', ...(batch ? { batch } : {}) }, { inputs: { file: items }, ...variables });
  const outputs = (await new ForEachItemSplitTask().run(ctx)).outputs!;
  const uris = outputs['uris'] as string[];
  return { outputs, ctx, parts: await Promise.all(uris.map((uri) => split.read(ctx, uri))) };
}

describe('ForEachItem split (worker)', () => {
  it('splits one item a batch by default, and lists the batch files in splits as Kestra does', async () => {
    const { outputs, ctx, parts } = await splitItems(undefined);
    expect(parts).toEqual(LINES.map((line) => `${line}\n`));
    expect(await split.read(ctx, outputs['splits'] as string)).toBe((outputs['uris'] as string[]).join('\n'));
    expect((outputs['uris'] as string[]).every((uri) => uri.startsWith('kestra://') && uri.endsWith('.ion'))).toBe(true);
  });

  it('renders rows from an expression and cuts batches of that many lines', async () => {
    const source = await split.context({});
    const items = await source.storage.putFile('items.ion', `${LINES.join('\n')}\n`);
    const ctx = await split.context({ items: '{{ inputs.file }}', batch: { rows: '{{ inputs.size }}' } }, { inputs: { file: items, size: 3 } });
    const uris = (await new ForEachItemSplitTask().run(ctx)).outputs!['uris'] as string[];
    expect(await Promise.all(uris.map((uri) => split.read(ctx, uri)))).toEqual([LINES.slice(0, 3), LINES.slice(3, 6), LINES.slice(6)].map((part) => part.map((l) => `${l}\n`).join('')));
  });

  it('takes bytes before partitions and partitions before rows, and writes the separator after each line', async () => {
    expect((await splitItems({ partitions: 2, rows: 1 })).parts).toEqual(['{"n":0}\n{"n":2}\n{"n":4}\n{"n":6}\n', '{"n":1}\n{"n":3}\n{"n":5}\n']);
    // Each line is 8 bytes with its separator: a batch takes lines until it holds 16 bytes or more.
    expect((await splitItems({ bytes: '16', partitions: 2, separator: ';' })).parts).toEqual(['{"n":0};{"n":1};', '{"n":2};{"n":3};', '{"n":4};{"n":5};', '{"n":6};']);
  });

  it('refuses items that are not an internal storage URI, and a batch size below 1', async () => {
    const ctx = await split.context({ items: '/etc/passwd' });
    await expect(new ForEachItemSplitTask().run(ctx)).rejects.toThrow("Invalid property 'items': cannot split the items of '/etc/passwd': it is not an internal storage URI");
    await expect(splitItems({ rows: 0 })).rejects.toThrow("Invalid property 'batch.rows': expected an integer of at least 1 but got '0'");
  });
});

describe('ForEachItem merge (worker)', () => {
  it("writes the subflows' flow outputs kept by the items run, one ION line each in batch order", async () => {
    const ctx = await merge.context({}, { taskrun: { value: null }, outputs: { each_items: { numberOfBatches: 2, flowOutputs: [{ value: 'a' }, { value: 'b', n: 2 }] } } });
    const outputs = (await new ForEachItemMergeTask().run(ctx)).outputs!;
    expect(await merge.read(ctx, outputs['subflowOutputs'] as string)).toBe('{value:"a"}\n{value:"b",n:2}\n');
  });

  it('finds the items run of its own loop iteration inside a ForEach', async () => {
    const variables = {
      taskrun: { value: 'x' },
      parents: [{ taskrun: { value: 'x' } }, { taskrun: { value: 'x' } }],
      outputs: { each_items: { x: { flowOutputs: [{ v: 'x' }] }, y: { flowOutputs: [{ v: 'y' }] } } },
    };
    const ctx = await merge.context({}, variables);
    expect(await merge.read(ctx, (await new ForEachItemMergeTask().run(ctx)).outputs!['subflowOutputs'] as string)).toBe('{v:"x"}\n');
  });

  it('outputs nothing when no subflow gave outputs (no wait, or a subflow without outputs)', async () => {
    const ctx = await merge.context({}, { outputs: { each_items: { numberOfBatches: 2, iterations: { SUCCESS: 2 } } } });
    expect((await new ForEachItemMergeTask().run(ctx)).outputs).toEqual({});
    const empty = await merge.context({}, { outputs: {} });
    expect((await new ForEachItemMergeTask().run(empty)).outputs).toEqual({});
  });
});
