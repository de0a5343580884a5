import type { KvRepository } from '@osprey/repository';
import type { NamespaceKv } from '../task-runner.js';

/** One namespace of the key-value store of the repository, as tasks see it. */
export function repositoryNamespaceKv(kv: KvRepository, namespace: string): NamespaceKv {
  return {
    async set(key, value, ttlMs, overwrite = true) {
      if (!overwrite && (await kv.get(namespace, key))) throw new Error(`key ${key} already exists in namespace ${namespace}`);
      await kv.set(namespace, key, value, ttlMs);
    },
    async get(key) {
      return (await kv.get(namespace, key))?.value;
    },
    delete: (key) => kv.delete(namespace, key),
    async list() {
      return (await kv.list(namespace)).map((entry) => ({
        key: entry.key,
        ...(entry.expiresAt ? { expirationDate: entry.expiresAt } : {}),
        updateDate: entry.updated,
      }));
    },
  };
}
