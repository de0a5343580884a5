import type { Flow, Label, StoredFlow } from '@osprey/flow-model';
import type { FlowQuery, FlowRepository, Page } from '../ports.js';
import { addSqlFilters, refusingInvalidRegex, type SqlFilterColumns } from './sql-filters.js';
import { paging } from './sql-paging.js';
import { retrySql, type SqlDatabase, type SqlExecutor, SqlWhere, toNumber } from '@osprey/sql';

interface FlowRow {
  namespace: string;
  id: string;
  revision: unknown;
  source: string;
  json: string;
  disabled: unknown;
  deleted: unknown;
  updated: string;
}

/** Saves after the first that lost a race to create the same flow (3 attempts in all). */
const SAVE_RACE_RETRIES = 2;
const COLUMNS = 'namespace, id, revision, source, json, disabled, deleted, updated';
const SORTABLE: Record<string, string> = { id: 'id', namespace: 'namespace', revision: 'revision', updated: 'updated' };
const FILTER_COLUMNS: SqlFilterColumns = { text: { namespace: { column: 'namespace' }, flowId: { column: 'id' } }, query: ['id', 'namespace'], labels: 'labels' };

function toStoredFlow(row: FlowRow): StoredFlow {
  return {
    namespace: row.namespace,
    id: row.id,
    revision: toNumber(row.revision),
    source: row.source,
    disabled: toNumber(row.disabled) === 1,
    deleted: toNumber(row.deleted) === 1,
    updated: row.updated,
    flow: JSON.parse(row.json) as Flow,
  };
}

/**
 * Every saved revision is a row; `latest` marks the current one, and deleting a flow marks its latest revision
 * deleted, so the history survives and saving it again continues the revision numbers.
 */
export class SqlFlowRepository implements FlowRepository {
  constructor(private readonly db: SqlDatabase) {}

  async save(flow: Flow, source: string): Promise<StoredFlow> {
    // Two first saves of one flow race on the primary key: the loser retries at once and sees the winner's revision.
    return retrySql(() => this.db.transaction((tx) => this.saveIn(tx, flow, source)), {
      retries: SAVE_RACE_RETRIES,
      retryable: (error) => this.db.dialect.isUniqueViolation(error),
    });
  }

  private async saveIn(tx: SqlExecutor, flow: Flow, source: string): Promise<StoredFlow> {
    const [latest] = await tx.query<FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? AND latest = 1 ${tx.dialect.forUpdate()}`, [flow.namespace, flow.id]);
    if (latest && toNumber(latest.deleted) === 0 && latest.source === source) return toStoredFlow(latest);
    const revision = (latest ? toNumber(latest.revision) : 0) + 1;
    const updated = new Date().toISOString();
    const stored: Flow = { ...flow, revision };
    if (latest) await tx.run('UPDATE flows SET latest = 0 WHERE namespace = ? AND id = ? AND latest = 1', [flow.namespace, flow.id]);
    await tx.run(
      `INSERT INTO flows (namespace, id, revision, latest, source, json, labels, disabled, deleted, updated) VALUES (?, ?, ?, 1, ?, ?, ?, ?, 0, ?)`,
      [flow.namespace, flow.id, revision, source, JSON.stringify(stored), JSON.stringify(labelsOf(flow)), flow.disabled ? 1 : 0, updated],
    );
    return { namespace: flow.namespace, id: flow.id, revision, source, disabled: !!flow.disabled, deleted: false, updated, flow: stored };
  }

  async get(namespace: string, id: string, revision?: number): Promise<StoredFlow | null> {
    if (revision !== undefined) {
      const [row] = await this.db.query<FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? AND revision = ?`, [namespace, id, revision]);
      return row ? toStoredFlow(row) : null;
    }
    const [row] = await this.db.query<FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? AND latest = 1`, [namespace, id]);
    return row && toNumber(row.deleted) === 0 ? toStoredFlow(row) : null;
  }

  async revisions(namespace: string, id: string): Promise<StoredFlow[]> {
    return (await this.db.query<FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? ORDER BY revision`, [namespace, id])).map(toStoredFlow);
  }

  async list(namespace?: string): Promise<StoredFlow[]> {
    const where = new SqlWhere(this.db.dialect).add('latest = 1').add('deleted = 0').namespace('namespace', namespace);
    return (await this.db.query<FlowRow>(`SELECT ${COLUMNS} FROM flows ${where.toSql()} ORDER BY namespace, id`, where.params)).map(toStoredFlow);
  }

  async search(query: FlowQuery): Promise<Page<StoredFlow>> {
    const where = new SqlWhere(this.db.dialect)
      .add('latest = 1')
      .add('deleted = 0')
      .namespace('namespace', query.namespace)
      .contains(['id', 'namespace'], query.q)
      .labels('labels', query.labels);
    addSqlFilters(where, this.db.dialect, 'flow', query.filters, FILTER_COLUMNS);
    const page = paging(query, SORTABLE, 'namespace ASC, id ASC');
    // The count runs first: a REGEX pattern the server refuses fails there, as the caller's error.
    const [count] = await refusingInvalidRegex(this.db.dialect, query.filters, () => this.db.query<{ total: unknown }>(`SELECT count(*) AS total FROM flows ${where.toSql()}`, where.params));
    const rows = await this.db.query<FlowRow>(`SELECT ${COLUMNS} FROM flows ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`, [
      ...where.params,
      page.limit,
      page.offset,
    ]);
    return { results: rows.map(toStoredFlow), total: toNumber(count?.total ?? 0) };
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const changed = await this.db.run('UPDATE flows SET deleted = 1, updated = ? WHERE namespace = ? AND id = ? AND latest = 1 AND deleted = 0', [
      new Date().toISOString(),
      namespace,
      id,
    ]);
    return changed > 0;
  }

  async namespaces(): Promise<string[]> {
    const rows = await this.db.query<{ namespace: string }>('SELECT DISTINCT namespace FROM flows WHERE latest = 1 AND deleted = 0 ORDER BY namespace');
    return rows.map((row) => row.namespace);
  }
}

function labelsOf(flow: Flow): Label[] {
  return (flow.labels ?? []).map((label) => ({ key: label.key, value: label.value }));
}
