import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { murmur3Hex128 } from '../support/murmur3.js';
import { slugOf } from '../support/task-state.js';
import { StateSetTask } from './state-set.js';
import { StateGetTask } from './state-get.js';
import { StateDeleteTask } from './state-delete.js';

const { context, repository } = taskContexts({ id: 'state', type: 'io.kestra.plugin.core.state.Set' }, { sqlite: true });

const set = async (properties: Record<string, unknown>, overrides = {}) => (await new StateSetTask().run(await context(properties, undefined, overrides))).outputs;
const get = async (properties: Record<string, unknown>, overrides = {}) => (await new StateGetTask().run(await context(properties, undefined, overrides))).outputs;
const remove = async (properties: Record<string, unknown>, overrides = {}) => (await new StateDeleteTask().run(await context(properties, undefined, overrides))).outputs;

describe('state tasks (SQLite KV store)', () => {
  it('merges data into the state of the flow, stored under the key Kestra uses', async () => {
    const flow = { namespace: 'ns.state', flowId: 'My_Flow' };
    expect(await set({ data: { a: 1, nested: { x: 1 }, list: [1] } }, flow)).toEqual({ count: 3, key: 'my-flow_states_tasks-states_default' });
    expect(await set({ data: { b: 2, nested: { y: 2 }, list: [2], a: null } }, flow)).toEqual({ count: 4, key: 'my-flow_states_tasks-states_default' });
    const expected = { a: 1, b: 2, nested: { x: 1, y: 2 }, list: [1, 2] };
    expect(await get({}, flow)).toEqual({ count: 4, data: expected });
    expect((await repository().kv.get('ns.state', 'my-flow_states_tasks-states_default'))?.value).toEqual(expected);
    // Another flow of the namespace has its own state, unless the state is shared by the namespace.
    expect(await get({}, { ...flow, flowId: 'other' })).toEqual({ count: 0, data: {} });
    expect(await set({ name: 'shared', namespace: true, data: { n: 1 } }, flow)).toEqual({ count: 1, key: 'states_tasks-states_shared' });
    expect(await get({ name: 'shared', namespace: true }, { ...flow, flowId: 'other' })).toEqual({ count: 1, data: { n: 1 } });
  });

  it('keeps one state per taskrun.value unless taskrunValue is false', async () => {
    const flow = { namespace: 'ns.loop', flowId: 'loop' };
    expect((await set({ name: 'it', data: { v: 'a' } }, { ...flow, taskRunValue: 'a' }))?.['key']).toBe(`loop_states_tasks-states_it_${murmur3Hex128('a')}`);
    await set({ name: 'it', data: { v: 'b' } }, { ...flow, taskRunValue: 'b' });
    expect((await get({ name: 'it' }, { ...flow, taskRunValue: 'a' }))?.['data']).toEqual({ v: 'a' });
    expect((await get({ name: 'it' }, { ...flow, taskRunValue: 'b' }))?.['data']).toEqual({ v: 'b' });
    await set({ name: 'it', taskrunValue: false, data: { all: true } }, { ...flow, taskRunValue: 'a' });
    expect((await get({ name: 'it', taskrunValue: false }, { ...flow, taskRunValue: 'b' }))?.['data']).toEqual({ all: true });
  });

  it('deletes a state; a missing state fails Get and Delete only with errorOnMissing', async () => {
    const flow = { namespace: 'ns.delete', flowId: 'f' };
    await set({ name: 'd', data: { a: 1 } }, flow);
    expect(await remove({ name: 'd' }, flow)).toEqual({ deleted: true });
    expect(await remove({ name: 'd' }, flow)).toEqual({ deleted: false });
    await expect(remove({ name: 'd', errorOnMissing: true }, flow)).rejects.toThrow("Unable to find the state file 'd'");
    expect(await get({ name: 'd' }, flow)).toEqual({ count: 0, data: {} });
    await expect(get({ name: 'd', errorOnMissing: true }, flow)).rejects.toThrow('State f_states_tasks-states_d not found');
  });

  it("hashes loop values as Kestra's Hashing.hashToString (Guava murmur3_128) and slugs flow ids as Slugify.of", () => {
    expect(murmur3Hex128('hello')).toBe('029bbd41b3a7d8cb191dae486a901e5b');
    expect(murmur3Hex128('The quick brown fox jumps over the lazy dog')).toBe('6c1b07bc7bbc4be347939ac4a93c437a');
    // Several 16-byte blocks, a tail longer than 8 bytes, a multi-byte character: values of the reference implementation.
    expect(murmur3Hex128('a value longer than sixteen bytes, with é')).toBe('c64734eab95083bba0331e37b4bb5831');
    expect(murmur3Hex128('0123456789abcdef0123456789abcdef01234')).toBe('e64a8b45fd64ae9c517b71056a9dccbb');
    expect(slugOf('My Flow__v2.')).toBe('my-flow-v2');
  });
});
