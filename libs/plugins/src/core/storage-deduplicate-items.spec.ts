import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StorageDeduplicateItemsTask } from './storage-deduplicate-items.js';

const { context, read } = taskContexts({ id: 'dedup', type: 'io.kestra.plugin.core.storage.DeduplicateItems' }, { expressions: 'pebble' });

describe('StorageDeduplicateItemsTask', () => {
  it('keeps the last item of each key, in file order', async () => {
    const lines = ['{id:1,v:"a"}', '{"id":2,"v":"b"}', '{id:1,v:"c"}', '{id:3,v:"d"}', '{id:2,v:"e"}'];
    const source = await context({});
    const from = await source.storage.putFile('items.ion', `${lines.join('\n')}\n`);
    const ctx = await context({ from: '{{ inputs.file }}', expr: '{{ id }}' }, { inputs: { file: from } });
    const outputs = (await new StorageDeduplicateItemsTask().run(ctx)).outputs!;
    expect(await read(ctx, outputs['uri'] as string)).toBe('{id:1,v:"c"}\n{id:3,v:"d"}\n{id:2,v:"e"}\n');
    expect(outputs).toMatchObject({ numKeys: 3, processedItemsTotal: 5, droppedItemsTotal: 2 });
  });

  it('builds composite keys', async () => {
    const source = await context({});
    const from = await source.storage.putFile('items.jsonl', '{"a":1,"b":1}\n{"a":1,"b":2}\n{"a":1,"b":1}\n');
    const ctx = await context({ from, expr: '{{ a }}-{{ b }}' });
    const outputs = (await new StorageDeduplicateItemsTask().run(ctx)).outputs!;
    expect(await read(ctx, outputs['uri'] as string)).toBe('{"a":1,"b":2}\n{"a":1,"b":1}\n');
    expect(outputs['numKeys']).toBe(2);
  });
});
