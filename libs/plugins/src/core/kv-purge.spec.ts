import { describe, expect, it, beforeEach } from '@jest/globals';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { KvPurgeTask } from './kv-purge.js';

const { context, repository } = taskContexts({ id: 'purge', type: 'io.kestra.plugin.core.kv.PurgeKV' }, { sqlite: true });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function purge(properties: Record<string, unknown>) {
  return (await new KvPurgeTask().run(await context(properties))).outputs!;
}

async function keys(namespace: string) {
  return (await repository().kv.listAll(namespace)).map((entry) => entry.key);
}

describe('KvPurgeTask (SQLite repository)', () => {
  beforeEach(async () => {
    const kv = repository().kv;
    for (const namespace of await kv.namespaces()) await kv.purge(namespace, await keys(namespace));
    for (const namespace of ['company', 'company.team', 'companyx', 'other']) {
      await kv.set(namespace, 'AI_old', 1, 1);
      await kv.set(namespace, 'old', 2, 1);
      await kv.set(namespace, 'AI_live', 3, 60_000);
      await kv.set(namespace, 'forever', 4);
    }
    await sleep(20);
  });

  it('purges only expired keys of every namespace by default', async () => {
    expect(await purge({})).toEqual({ size: 8 });
    for (const namespace of ['company', 'company.team', 'companyx', 'other']) expect(await keys(namespace)).toEqual(['AI_live', 'forever']);
  });

  it('purges a named namespace with its children, never a sibling that merely shares its prefix', async () => {
    expect(await purge({ namespaces: ['company'] })).toEqual({ size: 4 });
    expect(await keys('company.team')).toEqual(['AI_live', 'forever']);
    expect(await keys('companyx')).toEqual(['AI_live', 'AI_old', 'forever', 'old']);
    expect(await keys('other')).toEqual(['AI_live', 'AI_old', 'forever', 'old']);
  });

  it('purges the named namespace alone without includeChildNamespaces, and keys matching keyPattern only', async () => {
    expect(await purge({ namespaces: ['company'], includeChildNamespaces: false, keyPattern: 'AI_*' })).toEqual({ size: 1 });
    expect(await keys('company')).toEqual(['AI_live', 'forever', 'old']);
    expect(await keys('company.team')).toEqual(['AI_live', 'AI_old', 'forever', 'old']);
  });

  it('purges live keys too with expiredOnly false or behavior.expiredOnly false, in namespaces matching namespacePattern', async () => {
    expect(await purge({ namespacePattern: 'company.*', expiredOnly: false })).toEqual({ size: 4 });
    expect(await keys('company.team')).toEqual([]);
    expect(await keys('company')).toHaveLength(4);
    expect(await purge({ namespaces: ['other'], behavior: { type: 'key', expiredOnly: false }, keyPattern: '{old,forever}' })).toEqual({ size: 2 });
    expect(await keys('other')).toEqual(['AI_live', 'AI_old']);
  });

  it('refuses namespaces with namespacePattern, and a version purge, by name', async () => {
    await expect(purge({ namespaces: ['company'], namespacePattern: 'company*' })).rejects.toThrow("Invalid property 'namespacePattern': namespaces and namespacePattern cannot be used together");
    await expect(purge({ behavior: { type: 'version', keepAmount: 1 } })).rejects.toThrow("Invalid property 'behavior': behavior.type must be 'key' but got 'version'");
    expect(await keys('company')).toHaveLength(4);
  });
});
