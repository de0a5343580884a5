/** The state to colour each task of the topology with: the worst of its runs while any is still active, else its latest run's. */

interface RunState {
  taskId: string;
  state: { current: string; startDate: string };
}

const ACTIVE = new Set(['CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'RETRYING']);

export function taskStates(taskRuns: readonly RunState[]): Record<string, string> {
  const states: Record<string, string> = {};
  const latest: Record<string, number> = {};
  for (const run of taskRuns) {
    const start = Date.parse(run.state.startDate);
    const current = states[run.taskId];
    // A loop body with one iteration running shows as running, whatever the other iterations did.
    if (current && ACTIVE.has(current) && !ACTIVE.has(run.state.current)) continue;
    if (current === undefined || ACTIVE.has(run.state.current) || start >= latest[run.taskId]!) {
      states[run.taskId] = run.state.current;
      latest[run.taskId] = start;
    }
  }
  return states;
}
