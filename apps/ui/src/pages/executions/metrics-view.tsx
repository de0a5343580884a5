import type { TaskRun } from '../../api/index.js';
import { DataTable, EmptyState } from '../../components/index.js';

/** Metrics the task runs reported, attempt by attempt (Kestra's `taskRun.attempts[].metrics`). */
export function MetricsView({ taskRuns }: { taskRuns: TaskRun[] }) {
  const rows = taskRuns.flatMap((t) =>
    (t.attempts ?? []).flatMap((a, attempt) =>
      (Array.isArray(a.metrics) ? a.metrics : []).map((m, i) => ({ ...m, key: `${t.id}:${attempt}:${i}`, taskId: t.taskId, loop: t.value, attempt: attempt + 1 })),
    ),
  );
  if (rows.length === 0) return <EmptyState title="No metrics" hint="Tasks that count or time something (e.g. rows processed) report metrics here." testId="metrics-empty" />;
  return (
    <DataTable
      testId="execution-metrics"
      rows={rows}
      rowKey={(r) => r.key}
      columns={[
        { key: 'task', header: 'Task', render: (r) => `${r.taskId}${r.loop !== undefined ? ` [${r.loop}]` : ''}` },
        { key: 'attempt', header: 'Attempt', align: 'right', render: (r) => String(r.attempt) },
        { key: 'name', header: 'Metric', render: (r) => r.name },
        { key: 'type', header: 'Type', render: (r) => r.type },
        // Timers are stored in seconds.
        { key: 'value', header: 'Value', align: 'right', render: (r) => (r.type === 'timer' ? `${r.value} s` : String(r.value)) },
        { key: 'tags', header: 'Tags', render: (r) => (r.tags ? Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(', ') : '') },
      ]}
    />
  );
}
