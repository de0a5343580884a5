import type { ConditionWindow, ConditionWindowWrite, StoredConditionWindow } from '@osprey/flow-model';
import { conditionWindowKey } from '@osprey/flow-model';
import { chunks, type SqlExecutor } from '@osprey/sql';
import { ConditionWindowConflictError } from '../ports.js';

interface WindowRow {
  window_key: string;
  version: number | string;
  payload: string;
}

/** Reads the stored precondition windows among `keys`. */
export async function readConditionWindows(db: SqlExecutor, keys: readonly string[]): Promise<Map<string, StoredConditionWindow>> {
  const found = new Map<string, StoredConditionWindow>();
  for (const batch of chunks([...new Set(keys)], 1)) {
    const where = db.dialect.in('window_key', batch);
    const rows = await db.query<WindowRow>(`SELECT window_key, version, payload FROM condition_windows WHERE ${where.sql}`, where.params);
    for (const row of rows) found.set(row.window_key, { window: JSON.parse(row.payload) as ConditionWindow, version: Number(row.version) });
  }
  return found;
}

/**
 * Applies a decision's window writes inside its transaction. Each write is conditional on the version the decision
 * read, so of two decisions that read the same window only the first commits; the other is made again.
 */
export async function writeConditionWindows(tx: SqlExecutor, writes: readonly ConditionWindowWrite[]): Promise<void> {
  for (const write of writes) {
    const key = conditionWindowKey(write.namespace, write.flowId, write.conditionId);
    let changed: number;
    if (write.expectedVersion === 0) {
      if (!write.window) continue;
      // A row inserted meanwhile must count 0 rows: MySQL's ON DUPLICATE KEY no-op counts 1 under mysql2's FOUND_ROWS.
      const [insert, ignore] = tx.dialect.name === 'mysql' ? ['INSERT IGNORE', ''] : ['INSERT', tx.dialect.insertIgnore(['window_key'])];
      changed = await tx.run(
        `${insert} INTO condition_windows (window_key, namespace, flow_id, condition_id, end_at, version, payload) VALUES (?, ?, ?, ?, ?, ?, ?) ${ignore}`,
        [key, write.namespace, write.flowId, write.conditionId, write.window.end, 1, JSON.stringify(write.window)],
      );
    } else if (write.window) {
      changed = await tx.run('UPDATE condition_windows SET end_at = ?, version = ?, payload = ? WHERE window_key = ? AND version = ?', [
        write.window.end,
        write.expectedVersion + 1,
        JSON.stringify(write.window),
        key,
        write.expectedVersion,
      ]);
    } else {
      changed = await tx.run('DELETE FROM condition_windows WHERE window_key = ? AND version = ?', [key, write.expectedVersion]);
    }
    if (changed !== 1) {
      const [row] = await tx.query<{ version: number | string }>('SELECT version FROM condition_windows WHERE window_key = ?', [key]);
      throw new ConditionWindowConflictError(key, write.expectedVersion, row ? Number(row.version) : 0);
    }
  }
}

/** Deletes the windows that ended before `before` (epoch ms). */
export async function purgeConditionWindows(tx: SqlExecutor, before: number): Promise<void> {
  await tx.run('DELETE FROM condition_windows WHERE end_at < ?', [before]);
}
