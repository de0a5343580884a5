import { describe, expect, it } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { KvSetTask } from './kv-set.js';

const { context, kvStore: store } = taskContexts({ id: 'kv', type: 'kv' });

describe('KvSetTask', () => {
  it('stores the rendered value under the rendered key in the flow namespace', async () => {
    const ctx = await context({ key: 'k-{{ task.id }}', value: 'hello {{ inputs.who }}' }, { inputs: { who: 'you' } });
    expect(await new KvSetTask().run(ctx)).toEqual({});
    expect(store.get('io.osprey.tests/k-kv')).toEqual({ value: 'hello you', expiresAt: undefined });
  });

  it('keeps structured values and stores in another namespace when asked', async () => {
    await new KvSetTask().run(await context({ key: 'map', value: { a: [1, '{{ task.id }}'] }, namespace: 'other.ns' }));
    expect(store.get('other.ns/map')?.value).toEqual({ a: [1, 'kv'] });
  });

  it.each([
    ['NUMBER', '42.5', 42.5],
    ['BOOLEAN', 'TRUE', true],
    ['BOOLEAN', 'nope', false],
    ['JSON', '{"a":[1,2]}', { a: [1, 2] }],
    ['DATETIME', '2024-01-02T03:04:05Z', '2024-01-02T03:04:05.000Z'],
    ['DURATION', 'PT5M', 'PT5M'],
    ['STRING', '12', '12'],
  ])('converts a %s value', async (kvType, value, expected) => {
    await new KvSetTask().run(await context({ key: 'typed', value, kvType }));
    expect(store.get('io.osprey.tests/typed')?.value).toEqual(expected);
  });

  it('rejects a value that does not convert to its kvType', async () => {
    await expect(new KvSetTask().run(await context({ key: 'n', value: 'abc', kvType: 'NUMBER' }))).rejects.toThrow(TaskPropertyError);
    await expect(new KvSetTask().run(await context({ key: 'n', value: '{', kvType: 'JSON' }))).rejects.toThrow('not valid JSON');
  });

  it('fails on an existing key when overwrite is false, and overwrites by default', async () => {
    await new KvSetTask().run(await context({ key: 'k', value: 'one' }));
    await expect(new KvSetTask().run(await context({ key: 'k', value: 'two', overwrite: false }))).rejects.toThrow(
      "Cannot set value for key 'k'. Key already exists and `overwrite` is set to `false`.",
    );
    expect(store.get('io.osprey.tests/k')?.value).toBe('one');
    await new KvSetTask().run(await context({ key: 'k', value: 'three' }));
    expect(store.get('io.osprey.tests/k')?.value).toBe('three');
  });

  it('passes the ttl on as an expiry', async () => {
    const before = Date.now();
    await new KvSetTask().run(await context({ key: 'ttl', value: 'v', ttl: 'PT1H' }));
    const expiresAt = store.get('io.osprey.tests/ttl')?.expiresAt ?? 0;
    expect(expiresAt - before).toBeGreaterThanOrEqual(3_600_000);
    expect(expiresAt - before).toBeLessThan(3_610_000);
  });

  it('rejects keys Kestra rejects', async () => {
    await expect(new KvSetTask().run(await context({ key: '../etc', value: 'v' }))).rejects.toThrow("Invalid property 'key'");
    await expect(new KvSetTask().run(await context({ key: 'a key', value: 'v' }))).rejects.toThrow(TaskPropertyError);
  });
});
