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

  /**
   * Takes a decision with render options over `base` that answer from what was fetched, and takes it again after
   * each round of fetching what it asked for. The last decision is the one that stands: after MAX_LOOKUP_ROUNDS
   * rounds, the expressions still asking for a value fail, saying so.
   */
  async settle<T>(base: RenderOptions | undefined, take: (render: RenderOptions) => T): Promise<T> {
    const render = this.renderOptions(base);
    for (let round = 0; ; round++) {
      const result = take(render);
      if (round >= MAX_LOOKUP_ROUNDS || !(await this.fetchMissing())) return result;
    }
  }

  /** Render options that answer from what was fetched, and record what was not. */
  private renderOptions(base: RenderOptions = {}): RenderOptions {
    // Dropped with its decision while rounds remain; only a decision taken after the last round keeps it.
    const unfetched = (what: string) => new Error(`${what} was not fetched: the executor fetches what its expressions ask for in at most ${MAX_LOOKUP_ROUNDS} rounds`);
    return {
      ...base,
      kv: (key, namespace) => {
        const ns = namespace ?? this.namespace;
        const id = `${ns}\u0000${key}`;
        // A missing key is null, as on the worker.
        if (this.kvValues.has(id)) return this.kvValues.get(id);
        this.pending.set(`kv:${id}`, async () => void this.kvValues.set(id, (await this.repository.kv.get(ns, key))?.value ?? null));
        throw unfetched(`key ${key} of namespace ${ns}`);
      },
      functions: {
        ...base.functions,
        errorLogs: () => {
          if (this.errorLogs) return this.errorLogs;
          this.pending.set('errorLogs', async () => void (this.errorLogs = await errorLogEntries(this.repository.logs, this.executionId, this.unstoredLogs)));
          throw unfetched('errorLogs()');
        },
      },
    };
  }

  /** Fetches what the last decision asked for; false when it asked for nothing new (its result stands). */
  private async fetchMissing(): Promise<boolean> {
    if (this.pending.size === 0) return false;
    const fetches = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(fetches.map((fetch) => fetch()));
    return true;
  }
}
