import type { TaskRun } from '../../api/index.js';
import { DataTable, EmptyState } from '../../components/index.js';

interface Metric {
  name: string;
  type?: string;
  value: unknown;
  tags?: Record<string, string>;
}

/** Metrics the task runs report (Kestra's `metrics` list of a task run), when the API includes them. */
export function MetricsView({ taskRuns }: { taskRuns: TaskRun[] }) {
  const rows = taskRuns.flatMap((t) => (Array.isArray(t.metrics) ? (t.metrics as Metric[]) : []).map((m, i) => ({ ...m, key: `${t.id}:${i}`, taskId: t.taskId, value: m.value, loop: t.value })));
  if (rows.length === 0) return <EmptyState title="No metrics" hint="Tasks that count or time something (e.g. rows processed) report metrics here." testId="metrics-empty" />;
  return (
    <DataTable
      testId="execution-metrics"
      rows={rows}
      rowKey={(r) => r.key}
      columns={[
        { key: 'task', header: 'Task', render: (r) => `${r.taskId}${r.loop !== undefined ? ` [${r.loop}]` : ''}` },
        { key: 'name', header: 'Metric', render: (r) => r.name },
        { key: 'type', header: 'Type', render: (r) => r.type ?? '–' },
        { key: 'value', header: 'Value', align: 'right', render: (r) => String(r.value) },
        { key: 'tags', header: 'Tags', render: (r) => (r.tags ? Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(', ') : '') },
      ]}
    />
  );
}
