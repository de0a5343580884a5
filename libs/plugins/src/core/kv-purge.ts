import { KV_PURGE_TASK } from '@osprey/flow-model';
import type { z } from 'zod';
import type { RunContext, TaskRunner, TaskRunnerResult } from '../task-runner.js';
import { TaskProperties } from '../support/task-properties.js';
import { TaskPropertyError } from '../support/task-errors.js';
import { globRegExp } from '../support/glob-match.js';

type PurgeProperties = TaskProperties<z.infer<typeof KV_PURGE_TASK.schema>>;

/**
 * `io.kestra.plugin.core.kv.PurgeKV`: deletes the keys of the namespaces named by `namespaces` (with their children
 * unless `includeChildNamespaces` is false) or matching `namespacePattern` (every namespace holding keys when neither
 * is set), those matching `keyPattern` if set, and only expired ones unless `expiredOnly`/`behavior.expiredOnly` is
 * false. Outputs `size`, the number of keys deleted.
 */
export class KvPurgeTask implements TaskRunner {
  async run(ctx: RunContext): Promise<TaskRunnerResult> {
    const properties = new TaskProperties(ctx, KV_PURGE_TASK);
    const namespaces = await this.namespaces(ctx, properties);
    ctx.logger.info(`purging ${namespaces.length} namespaces: ${namespaces.join(', ')}`);
    const keyPattern = await properties.string('keyPattern');
    const keyMatch = keyPattern === undefined ? undefined : globRegExp(keyPattern);
    const expiredOnly = await this.expiredOnly(properties);
    // One instant for the whole purge: a key counts as expired if its TTL had passed when the purge started.
    const now = new Date();
    let size = 0;
    for (const namespace of namespaces) {
      const keys = (await ctx.repository.kv.listAll(namespace))
        .filter((entry) => !expiredOnly || (entry.expiresAt !== undefined && Date.parse(entry.expiresAt) <= now.getTime()))
        .map((entry) => entry.key)
        .filter((key) => keyMatch === undefined || keyMatch.test(key));
      size += await ctx.repository.kv.purge(namespace, keys, expiredOnly ? now : undefined);
    }
    ctx.logger.info(`purged ${size} keys`);
    return { outputs: { size } };
  }

  private async namespaces(ctx: RunContext, properties: PurgeProperties): Promise<string[]> {
    const named = await properties.stringList('namespaces');
    const pattern = await properties.string('namespacePattern');
    if (named !== undefined && named.length > 0 && pattern !== undefined && pattern.trim() !== '') {
      throw new TaskPropertyError('namespacePattern', 'namespaces and namespacePattern cannot be used together: use one or the other');
    }
    const stored = await ctx.repository.kv.namespaces();
    if (pattern !== undefined && pattern.trim() !== '') {
      const match = globRegExp(pattern);
      return stored.filter((namespace) => match.test(namespace));
    }
    if (named === undefined || named.length === 0) return stored;
    const children = await properties.boolean('includeChildNamespaces', true);
    // A child is `ns.` followed by more: `company` covers `company.team`, never its sibling `companyx`.
    const chosen = stored.filter((namespace) => named.some((name) => namespace === name || (children && namespace.startsWith(`${name}.`))));
    return [...new Set([...chosen, ...named])].sort();
  }

  private async expiredOnly(properties: PurgeProperties): Promise<boolean> {
    if (properties.has('expiredOnly')) return properties.boolean('expiredOnly', true);
    const behavior = await properties.map('behavior');
    if (behavior === undefined) return true;
    if (behavior['type'] !== 'key') throw new TaskPropertyError('behavior', `behavior.type must be 'key' but got '${String(behavior['type'])}': Osprey's KV store keeps one version of each key`);
    const expiredOnly = behavior['expiredOnly'] ?? true;
    if (typeof expiredOnly !== 'boolean' && expiredOnly !== 'true' && expiredOnly !== 'false') throw new TaskPropertyError('behavior', `behavior.expiredOnly must be a boolean but got '${String(expiredOnly)}'`);
    return expiredOnly === true || expiredOnly === 'true';
  }
}
