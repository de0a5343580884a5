import type { LogQuery, LogRepository, StoredLogEntry } from './ports.js';

const PAGE_SIZE = 1000;

export type FollowedLogs = Omit<LogQuery, 'afterSeq' | 'page' | 'size' | 'sort'>;

/**
 * Reads logs as they are written, each entry once and none lost: an entry written late sorts below entries already
 * read, so every read starts the repository's `lateSeqWindow` below the highest `seq` seen and skips the ids it sent.
 */
export class LogFollower {
  private highest: number | undefined;
  /** Ids already returned whose `seq` is still inside the window a read goes back over. */
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly logs: LogRepository,
    private readonly query: FollowedLogs,
  ) {}

  /** The entries not returned before, in `seq` order (a late one after those already returned). */
  async next(): Promise<StoredLogEntry[]> {
    const window = this.logs.lateSeqWindow;
    let afterSeq = this.highest === undefined ? undefined : this.highest - window;
    const fresh: StoredLogEntry[] = [];
    for (;;) {
      const page = await this.logs.search({ ...this.query, afterSeq, size: PAGE_SIZE, sort: 'seq:asc' });
      for (const entry of page.results) {
        if (this.sent.has(entry.id)) continue;
        this.sent.set(entry.id, entry.seq);
        fresh.push(entry);
      }
      if (page.results.length < PAGE_SIZE) break;
      afterSeq = page.results[page.results.length - 1]!.seq;
    }
    for (const entry of fresh) if (this.highest === undefined || entry.seq > this.highest) this.highest = entry.seq;
    // Below the window nothing is read again, so its ids need not be remembered.
    if (this.highest !== undefined) {
      const floor = this.highest - window;
      for (const [id, seq] of this.sent) if (seq <= floor) this.sent.delete(id);
    }
    return fresh;
  }
}
