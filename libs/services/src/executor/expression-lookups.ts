import type { LogEntry, RenderOptions } from '@osprey/flow-model';
import type { Repository } from '@osprey/repository';
import { errorLogEntries, type ErrorLogEntry } from '../executions/error-log-entries.js';

/** Rounds of fetching before a decision is taken with what it has (each round fetches every value asked for). */
export const MAX_LOOKUP_ROUNDS = 10;

/**
 * `kv()` and `errorLogs()` in expressions the executor renders (If, Switch, runIf, flow outputs...). decide() stays
 * pure and synchronous: a value it was not given records what is missing and fails that render; the executor then
 * fetches it and decides the same event again from the same inputs, dropping the first decision. A preload could
 * not know the keys (`kv(inputs.key)`), and an async render would make decide() async on every flow; this way a flow
 * that uses neither function costs nothing and one that does costs one extra decision per event at most.
 */
export class ExpressionLookups {
  private readonly kvValues = new Map<string, unknown>();
  private errorLogs?: ErrorLogEntry[];
  private readonly pending = new Map<string, () => Promise<void>>();

  constructor(
    private readonly repository: Repository,
    private readonly executionId: string,
    private readonly namespace: string,
    /** ERROR logs of earlier decisions of the same batch, not stored yet. */
    private readonly unstoredLogs: readonly LogEntry[],
  ) {}

  /** Render options that answer from what was fetched, and record what was not. */
  renderOptions(base: RenderOptions = {}): RenderOptions {
    return {
      ...base,
      kv: (key, namespace) => {
        const ns = namespace ?? this.namespace;
        const id = `${ns}\u0000${key}`;
        // A missing key is null, as on the worker.
        if (this.kvValues.has(id)) return this.kvValues.get(id);
        this.pending.set(`kv:${id}`, async () => void this.kvValues.set(id, (await this.repository.kv.get(ns, key))?.value ?? null));
        throw new Error(`key ${key} of namespace ${ns} is being fetched`);
      },
      functions: {
        ...base.functions,
        errorLogs: () => {
          if (this.errorLogs) return this.errorLogs;
          this.pending.set('errorLogs', async () => void (this.errorLogs = await errorLogEntries(this.repository.logs, this.executionId, this.unstoredLogs)));
          throw new Error('the error logs are being fetched');
        },
      },
    };
  }

  /** Fetches what the last decision asked for; false when it asked for nothing new (its result stands). */
  async fetchMissing(): Promise<boolean> {
    if (this.pending.size === 0) return false;
    const fetches = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(fetches.map((fetch) => fetch()));
    return true;
  }
}
