import type { SqliteDatabase } from '@osprey/repository';
import type { BroadcastMessage, BroadcastQueue } from '../ports.js';
import type { SqliteWakeup } from './sqlite-wakeup.js';

interface Subscription {
  handler: (message: BroadcastMessage) => void;
  after: number;
}

export interface SqliteBroadcastOptions {
  /** How often subscribers look for messages of other processes. */
  pollMs: number;
  /** Rows older than this are purged: a broadcast is only for subscribers alive when it is sent. */
  retentionMs: number;
  /** Receives exceptions thrown by handlers, which must not stop the delivery to the others. */
  onHandlerError: (error: unknown) => void;
}

/**
 * Broadcast over a `broadcast` table: each subscriber keeps a cursor (the max seq when it subscribed) and reads
 * newer rows on a shared timer, and at once when this process publishes.
 */
export class SqliteBroadcastQueue implements BroadcastQueue {
  private readonly subscriptions = new Set<Subscription>();
  private readonly insert;
  private readonly purge;
  private readonly maxSeq;
  private readonly selectAfter;
  private timer: NodeJS.Timeout | undefined;
  private stopWakeup: (() => void) | undefined;
  private lastPurge = 0;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly wakeup: SqliteWakeup,
    private readonly options: SqliteBroadcastOptions,
  ) {
    this.insert = db.prepare<[string, number]>('INSERT INTO broadcast (payload, created) VALUES (?, ?)');
    this.purge = db.prepare<[number]>('DELETE FROM broadcast WHERE created < ?');
    this.maxSeq = db.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM broadcast').pluck();
    this.selectAfter = db.prepare<[number], { seq: number; payload: string }>('SELECT seq, payload FROM broadcast WHERE seq > ? ORDER BY seq');
  }

  async publish(message: BroadcastMessage): Promise<void> {
    const now = Date.now();
    this.insert.run(JSON.stringify(message), now);
    if (now - this.lastPurge > this.options.retentionMs / 4) {
      this.lastPurge = now;
      this.purge.run(now - this.options.retentionMs);
    }
    this.wakeup.notify('broadcast');
  }

  subscribe(handler: (message: BroadcastMessage) => void): () => void {
    const subscription: Subscription = { handler, after: this.maxSeq.get() ?? 0 };
    this.subscriptions.add(subscription);
    if (!this.timer) {
      this.timer = setInterval(() => this.deliver(), this.options.pollMs);
      this.timer.unref();
      this.stopWakeup = this.wakeup.on('broadcast', () => setImmediate(() => this.deliver()));
    }
    return () => {
      this.subscriptions.delete(subscription);
      if (this.subscriptions.size === 0) this.stop();
    };
  }

  close(): void {
    this.subscriptions.clear();
    this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopWakeup?.();
    this.stopWakeup = undefined;
  }

  private deliver(): void {
    if (!this.db.open) return;
    // Subscribers share reads: one query from the oldest cursor serves all of them.
    let oldest = Infinity;
    for (const subscription of this.subscriptions) oldest = Math.min(oldest, subscription.after);
    if (oldest === Infinity) return;
    const rows = this.selectAfter.all(oldest);
    if (rows.length === 0) return;
    const messages = rows.map((row) => ({ seq: row.seq, message: JSON.parse(row.payload) as BroadcastMessage }));
    for (const subscription of [...this.subscriptions]) {
      for (const { seq, message } of messages) {
        if (seq <= subscription.after || !this.subscriptions.has(subscription)) continue;
        subscription.after = seq;
        try {
          subscription.handler(message);
        } catch (error) {
          this.options.onHandlerError(error);
        }
      }
    }
  }
}
