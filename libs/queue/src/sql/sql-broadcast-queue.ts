import type { BroadcastMessage, BroadcastQueue } from '../ports.js';
import type { SqlWakeup } from './sql-wakeup.js';
import { type SqlDatabase, toNumber } from '@osprey/sql';

interface Subscription {
  handler: (message: BroadcastMessage) => void;
  after: number;
}

export interface SqlBroadcastOptions {
  /** How often subscribers look for messages without a wake-up (MySQL; a safety net on PostgreSQL). */
  pollMs: number;
  /** Rows older than this are purged: a broadcast is only for subscribers alive when it is sent. */
  retentionMs: number;
  /** Receives exceptions thrown by handlers (and read failures), which must not stop delivery to the others. */
  onHandlerError: (error: unknown) => void;
}

/** A sequence number can become visible after a higher one (transactions commit out of order): re-read this far back. */
const LOOKBACK_MS = 5_000;

/**
 * Broadcast over a `broadcast` table. Subscribers of one process share one reader that fetches rows newer than
 * the oldest cursor, or recent enough that a late commit may have been skipped, and remembers what it delivered.
 */
export class SqlBroadcastQueue implements BroadcastQueue {
  private readonly subscriptions = new Set<Subscription>();
  private readonly delivered = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopWakeup: (() => void) | undefined;
  private lastPurge = 0;
  private reading: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** Cursor reads of recent subscriptions; a publish of this process waits for them so its message is "after". */
  private subscribing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: SqlDatabase,
    private readonly wakeup: SqlWakeup,
    private readonly options: SqlBroadcastOptions,
  ) {}

  async publish(message: BroadcastMessage): Promise<void> {
    await this.subscribing;
    const now = Date.now();
    await this.db.run('INSERT INTO broadcast (payload, created) VALUES (?, ?)', [JSON.stringify(message), now]);
    if (now - this.lastPurge > this.options.retentionMs / 4) {
      this.lastPurge = now;
      await this.db.run('DELETE FROM broadcast WHERE created < ?', [now - this.options.retentionMs]);
    }
    this.wakeup.notify('broadcast');
  }

  subscribe(handler: (message: BroadcastMessage) => void): () => void {
    // Messages published after this call are delivered; the cursor is fixed once the first read returns.
    const subscription: Subscription = { handler, after: Number.MAX_SAFE_INTEGER };
    this.subscriptions.add(subscription);
    const ready = this.maxSeq().then(
      (max) => {
        subscription.after = max;
      },
      (error: unknown) => this.options.onHandlerError(error),
    );
    this.subscribing = Promise.all([this.subscribing, ready]);
    void ready.then(() => this.deliverSoon());
    if (!this.timer) {
      this.timer = setInterval(() => this.deliverSoon(), this.options.pollMs);
      this.timer.unref();
      this.stopWakeup = this.wakeup.on('broadcast', () => this.deliverSoon());
    }
    return () => {
      this.subscriptions.delete(subscription);
      if (this.subscriptions.size === 0) this.stop();
    };
  }

  /** Resolves once pending reads are done; publishers in tests and shutdown use it. */
  async close(): Promise<void> {
    this.closed = true;
    this.subscriptions.clear();
    this.stop();
    await this.reading;
  }

  private async maxSeq(): Promise<number> {
    const [row] = await this.db.query<{ seq: unknown }>('SELECT coalesce(max(seq), 0) AS seq FROM broadcast');
    return toNumber(row?.seq ?? 0);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopWakeup?.();
    this.stopWakeup = undefined;
  }

  private deliverSoon(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.deliver()
      .catch((error: unknown) => {
        if (!this.closed) this.options.onHandlerError(error);
      })
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.deliverSoon();
        }
      });
  }

  private async deliver(): Promise<void> {
    let oldest = Infinity;
    for (const subscription of this.subscriptions) oldest = Math.min(oldest, subscription.after);
    if (oldest === Infinity || oldest === Number.MAX_SAFE_INTEGER) return;
    const now = Date.now();
    const rows = await this.db.query<{ seq: unknown; payload: string }>('SELECT seq, payload FROM broadcast WHERE seq > ? OR created >= ? ORDER BY seq', [
      oldest,
      now - LOOKBACK_MS,
    ]);
    for (const [seq, at] of this.delivered) if (at < now - 2 * LOOKBACK_MS) this.delivered.delete(seq);
    for (const row of rows) {
      const seq = toNumber(row.seq);
      if (this.delivered.has(seq)) continue;
      this.delivered.set(seq, now);
      const message = JSON.parse(row.payload) as BroadcastMessage;
      for (const subscription of [...this.subscriptions]) {
        if (seq <= subscription.after || !this.subscriptions.has(subscription)) continue;
        try {
          subscription.handler(message);
        } catch (error) {
          this.options.onHandlerError(error);
        }
      }
    }
  }
}
