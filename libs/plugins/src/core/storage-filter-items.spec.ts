import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { StorageFilterItemsTask } from './storage-filter-items.js';

const { context, read } = taskContexts({ id: 'filter', type: 'io.kestra.plugin.core.storage.FilterItems' }, { expressions: 'pebble' });
// ION as Kestra writes it (unquoted field names, timestamps) and JSON lines read alike.
const ITEMS = ['{id:1,value:10,at:2024-01-02T03:04:05Z}', '{"id": 2, "value": null}', '{id:3,value:30}', '{id:4}'];

async function filter(properties: Record<string, unknown>, lines = ITEMS): Promise<Record<string, unknown> & { lines: string[] }> {
  const source = await context({});
  const from = await source.storage.putFile('items.ion', `${lines.join('\n')}\n`);
  const ctx = await context({ from, ...properties });
  const outputs: Record<string, unknown> = (await new StorageFilterItemsTask().run(ctx)).outputs!;
  return { ...outputs, lines: (await read(ctx, outputs['uri'] as string)).split('\n').filter(Boolean) };
}

describe('StorageFilterItemsTask', () => {
  it("keeps the items whose condition is true, rendered with the item's fields, lines written as read", async () => {
    const result = await filter({ filterCondition: '{{ id > 1 and id < 4 }}' });
    expect(result['uri']).toMatch(/\.ion$/);
    expect(result.lines).toEqual([ITEMS[1], ITEMS[2]]);
    expect([result['processedItemsTotal'], result['droppedItemsTotal']]).toEqual([4, 2]);
  });

  it('drops the matching items with filterType EXCLUDE, and reads ION timestamps as dates', async () => {
    expect((await filter({ filterCondition: "{{ at is defined and (at | date('yyyy')) == '2024' }}", filterType: 'EXCLUDE' })).lines).toEqual(ITEMS.slice(1));
  });

  it('fails on an item the condition cannot be rendered for, or keeps or drops it as errorOrNullBehavior says', async () => {
    await expect(filter({ filterCondition: '{{ missing.field > 1 }}' })).rejects.toThrow('Expression `{{ missing.field > 1 }}` failed on item `{id:1,value:10,at:2024-01-02T03:04:05Z}`');
    expect((await filter({ filterCondition: '{{ missing.field > 1 }}', errorOrNullBehavior: 'INCLUDE' })).lines).toEqual(ITEMS);
    const dropped = await filter({ filterCondition: '{{ missing.field > 1 }}', errorOrNullBehavior: 'exclude' });
    expect([dropped.lines, dropped['droppedItemsTotal']]).toEqual([[], 4]);
  });

  it('counts empty, false and 0 renders as false', async () => {
    expect((await filter({ filterCondition: '{{ value }}' }, ['{value:0}', '{value:""}', '{value:false}', '{value:"x"}'])).lines).toEqual(['{value:"x"}']);
  });

  it('fails on a line that is not an item', async () => {
    await expect(filter({ filterCondition: '{{ true }}' }, ['{id:1}', '[1,2]'])).rejects.toThrow('line 2 is not a map item: [1,2]');
  });
});
