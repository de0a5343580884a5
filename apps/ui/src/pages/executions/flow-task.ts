/** Finding a task's declaration inside a flow's JSON, wherever flowables nest it (tasks, errors, finally, then, else, cases...). */

export interface TaskDeclaration {
  id: string;
  type: string;
  [key: string]: unknown;
}

export interface InputDeclaration {
  id: string;
  type: string;
  required?: boolean;
  defaults?: unknown;
  description?: string;
  displayName?: string;
  values?: unknown[];
}

function isTask(value: unknown): value is TaskDeclaration {
  return typeof value === 'object' && value !== null && typeof (value as TaskDeclaration).id === 'string' && typeof (value as TaskDeclaration).type === 'string';
}

/** The first task with this id, searching depth-first through every nested list and map of the flow. */
export function findTask(flow: unknown, taskId: string): TaskDeclaration | undefined {
  const seen = new Set<unknown>();
  const walk = (node: unknown): TaskDeclaration | undefined => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
    seen.add(node);
    if (isTask(node) && node.id === taskId) return node;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  // Triggers and inputs also have id and type; only tasks are looked at.
  const f = flow as Record<string, unknown>;
  return walk(f.tasks) ?? walk(f.errors) ?? walk(f.finally) ?? walk(f.afterExecution);
}

/** The inputs a Pause task asks for when resumed (`onResume`), or none. */
export function resumeInputs(flow: unknown, taskId: string): InputDeclaration[] {
  const task = findTask(flow, taskId);
  const declared = task?.onResume;
  return Array.isArray(declared) ? declared.filter((i): i is InputDeclaration => typeof i?.id === 'string') : [];
}

/** The task run an execution is paused on: the last PAUSED one. */
export function pausedTaskRun<T extends { state: { current: string } }>(taskRuns: readonly T[]): T | undefined {
  return [...taskRuns].reverse().find((t) => t.state.current === 'PAUSED');
}
