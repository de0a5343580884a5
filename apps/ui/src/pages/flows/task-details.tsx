import type { Flow, TaskDefinition } from '../../api/index.js';
import { CodeView } from '../../components/index.js';

/** Finds a task anywhere in the flow (nested in flowables, errors, finally, Dag entries). */
export function findTask(flow: Pick<Flow, 'tasks' | 'errors' | 'finally' | 'afterExecution'>, taskId: string): TaskDefinition | undefined {
  const visit = (value: unknown): TaskDefinition | undefined => {
    if (Array.isArray(value)) {
      for (const item of value) {
        const found = visit(item);
        if (found) return found;
      }
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const object = value as Record<string, unknown>;
    if (object.id === taskId && typeof object.type === 'string') return object as TaskDefinition;
    for (const [key, child] of Object.entries(object)) {
      if (['tasks', 'errors', 'finally', 'then', 'else', 'defaults', 'cases', 'task', 'afterExecution'].includes(key)) {
        const found = key === 'cases' && child && typeof child === 'object' ? visit(Object.values(child)) : visit(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit([flow.tasks, flow.errors, flow.finally, flow.afterExecution]);
}

/** The definition of the task clicked in the topology. */
export function TaskDetails({ flow, taskId, onClose }: { flow: Flow; taskId: string; onClose: () => void }) {
  const task = findTask(flow, taskId);
  return (
    <aside className="card task-details" data-testid="task-details" aria-label={`Task ${taskId}`}>
      <header className="task-details__header">
        <h2>{taskId}</h2>
        <button type="button" className="btn btn--ghost btn--icon" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {task ? (
        <>
          <p className="muted mono">{task.type}</p>
          {task.description && <p>{task.description}</p>}
          <CodeView value={task} maxHeight="50vh" />
        </>
      ) : (
        <p className="muted">Not found in the saved flow.</p>
      )}
    </aside>
  );
}
