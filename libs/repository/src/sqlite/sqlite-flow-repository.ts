import type { Flow, Label } from '@osprey/flow-model';
import type { FlowRepository, Page, PageRequest, StoredFlow } from '../ports.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { cachedStatement, escapeLike, paging, SqlWhere } from './sql-query.js';

interface FlowRow {
  namespace: string;
  id: string;
  revision: number;
  source: string;
  json: string;
  disabled: number;
  deleted: number;
  updated: string;
}

const COLUMNS = 'namespace, id, revision, source, json, disabled, deleted, updated';
const SORTABLE: Record<string, string> = { id: 'id', namespace: 'namespace', revision: 'revision', updated: 'updated' };

function toStoredFlow(row: FlowRow): StoredFlow {
  return {
    namespace: row.namespace,
    id: row.id,
    revision: row.revision,
    source: row.source,
    disabled: row.disabled === 1,
    deleted: row.deleted === 1,
    updated: row.updated,
    flow: JSON.parse(row.json) as Flow,
  };
}

/**
 * Every saved revision is a row; the `latest` flag marks the current one, and deleting a flow marks its latest
 * revision deleted, so the history survives and saving it again continues the revision numbers.
 */
export class SqliteFlowRepository implements FlowRepository {
  private readonly selectLatest;
  private readonly selectRevision;
  private readonly selectRevisions;
  private readonly clearLatest;
  private readonly insert;
  private readonly markDeleted;

  constructor(private readonly db: SqliteDatabase) {
    this.selectLatest = db.prepare<[string, string], FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? AND latest = 1`);
    this.selectRevision = db.prepare<[string, string, number], FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? AND revision = ?`);
    this.selectRevisions = db.prepare<[string, string], FlowRow>(`SELECT ${COLUMNS} FROM flows WHERE namespace = ? AND id = ? ORDER BY revision`);
    this.clearLatest = db.prepare<[string, string]>('UPDATE flows SET latest = 0 WHERE namespace = ? AND id = ? AND latest = 1');
    this.insert = db.prepare(`INSERT INTO flows (namespace, id, revision, latest, source, json, disabled, deleted, updated)
      VALUES (@namespace, @id, @revision, 1, @source, @json, @disabled, 0, @updated)`);
    this.markDeleted = db.prepare<[string, string, string]>(
      'UPDATE flows SET deleted = 1, updated = ? WHERE namespace = ? AND id = ? AND latest = 1 AND deleted = 0',
    );
  }

  async save(flow: Flow, source: string): Promise<StoredFlow> {
    return this.db
      .transaction((): StoredFlow => {
        const latest = this.selectLatest.get(flow.namespace, flow.id);
        if (latest && latest.deleted === 0 && latest.source === source) return toStoredFlow(latest);
        const revision = (latest?.revision ?? 0) + 1;
        const updated = new Date().toISOString();
        const stored: Flow = { ...flow, revision };
        this.clearLatest.run(flow.namespace, flow.id);
        this.insert.run({
          namespace: flow.namespace,
          id: flow.id,
          revision,
          source,
          json: JSON.stringify(stored),
          disabled: flow.disabled ? 1 : 0,
          updated,
        });
        return { namespace: flow.namespace, id: flow.id, revision, source, disabled: !!flow.disabled, deleted: false, updated, flow: stored };
      })
      .immediate();
  }

  async get(namespace: string, id: string, revision?: number): Promise<StoredFlow | null> {
    if (revision !== undefined) {
      const row = this.selectRevision.get(namespace, id, revision);
      return row ? toStoredFlow(row) : null;
    }
    const row = this.selectLatest.get(namespace, id);
    return row && row.deleted === 0 ? toStoredFlow(row) : null;
  }

  async revisions(namespace: string, id: string): Promise<StoredFlow[]> {
    return this.selectRevisions.all(namespace, id).map(toStoredFlow);
  }

  async list(namespace?: string): Promise<StoredFlow[]> {
    const where = new SqlWhere().add('latest = 1').add('deleted = 0').namespace('namespace', namespace);
    const rows = cachedStatement(this.db, `SELECT ${COLUMNS} FROM flows ${where.toSql()} ORDER BY namespace, id`).all(...where.params) as FlowRow[];
    return rows.map(toStoredFlow);
  }

  async search(query: { q?: string; namespace?: string; labels?: Label[] } & PageRequest): Promise<Page<StoredFlow>> {
    const where = new SqlWhere().add('latest = 1').add('deleted = 0').namespace('namespace', query.namespace);
    if (query.q) {
      const like = `%${escapeLike(query.q)}%`;
      where.add(`(id LIKE ? ESCAPE '\\' OR namespace LIKE ? ESCAPE '\\')`, like, like);
    }
    where.labels(`json_extract(flows.json, '$.labels')`, query.labels);
    const page = paging(query, SORTABLE, 'namespace ASC, id ASC');
    const total = cachedStatement(this.db, `SELECT count(*) FROM flows ${where.toSql()}`).pluck().get(...where.params) as number;
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM flows ${where.toSql()} ORDER BY ${page.orderBy} LIMIT ? OFFSET ?`)
      .all(...where.params, page.limit, page.offset) as FlowRow[];
    return { results: rows.map(toStoredFlow), total };
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    return this.markDeleted.run(new Date().toISOString(), namespace, id).changes > 0;
  }

  async namespaces(): Promise<string[]> {
    return cachedStatement(this.db, 'SELECT DISTINCT namespace FROM flows WHERE latest = 1 AND deleted = 0 ORDER BY namespace').pluck().all() as string[];
  }
}
