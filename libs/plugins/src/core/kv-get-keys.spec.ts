import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { KvGetKeysTask } from './kv-get-keys.js';

const { context, repository } = taskContexts({ id: 'keys', type: 'io.kestra.plugin.core.kv.GetKeys' }, { sqlite: true });

describe('KvGetKeysTask (SQLite KV store)', () => {
  it('lists the live keys of the flow namespace, or those starting with prefix', async () => {
    const kv = repository().kv;
    await kv.set('ns.keys', 'report_2024', 1);
    await kv.set('ns.keys', 'report_2025', 2);
    await kv.set('ns.keys', 'other', 3);
    // Expired when written (the store takes no clock): no wait, and no timing for the assertion to depend on.
    await kv.set('ns.keys', 'report_gone', 4, -60_000);
    await kv.set('ns.elsewhere', 'report_x', 5);
    const run = async (properties: Record<string, unknown>, variables?: Record<string, unknown>) =>
      (await new KvGetKeysTask().run(await context(properties, variables, { namespace: 'ns.keys' }))).outputs;
    expect(await run({})).toEqual({ keys: ['other', 'report_2024', 'report_2025'] });
    expect(await run({ prefix: '{{ inputs.p }}' }, { inputs: { p: 'report_' } })).toEqual({ keys: ['report_2024', 'report_2025'] });
    expect(await run({ namespace: 'ns.elsewhere' })).toEqual({ keys: ['report_x'] });
    expect(await run({ namespace: 'ns.empty' })).toEqual({ keys: [] });
  });
});
