import type { FOR_EACH_ITEM_EXECUTABLE_TASK } from '../../flow/task-types.js';
import type { TaskRun } from '../../execution/execution.js';
import type { StateType } from '../../execution/state.js';
import type { SubflowEndedEvent } from '../events.js';
import { RUNNING, startAgain, type Flowable, type FlowableContext, type FlowableTask } from './flowable.js';
import { startChild } from './subflow.js';
import { flag } from '../../flow/flag.js';

type ItemsTask = FlowableTask<typeof FOR_EACH_ITEM_EXECUTABLE_TASK>;
/** Subflow executions counted by state, as Kestra's `iterations` output. */
type Iterations = Record<string, number>;
/** What the run keeps between events: its children's batch by execution id (a kill cascades to them: subflow.ts) and their flow outputs. */
interface Progress {
  children: Record<string, number>;
  flowOutputs: [number, Record<string, unknown>][];
}

const ENDED: readonly StateType[] = ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED'];

/**
 * The `<id>_items` run of a ForEachItem: starts one subflow per batch file its `<id>_split` sibling wrote, each with
 * `taskrun.items` (the batch's URI) and `taskrun.iteration`, and counts them by state in `iterations`. With `wait` it
 * ends once every child ended (FAILED, KILLED or WARNING as the worst of them when `transmitFailed`), otherwise once
 * every child exists. A retry or restart starts every batch again.
 */
export const forEachItemExecutableFlowable: Flowable<ItemsTask> = {
  start: startBatches,
  // It ends through its children's subflowStarted and subflowEnded events, never by resolving.
  resolveNexts: () => RUNNING,
  retry: startAgain(startBatches),
};

function startBatches(run: TaskRun, task: ItemsTask, ctx: FlowableContext): TaskRun {
  const parent = run.parentTaskRunId ? ctx.runOf(run.parentTaskRunId) : undefined;
  const splitId = `${task.id.slice(0, -'_items'.length)}_split`;
  const batches = ctx.findRun(splitId, { parent, value: run.value, iteration: run.iteration })?.outputs?.uris;
  if (!Array.isArray(batches)) throw new Error(`the batches of ${splitId} are missing: it has no uris output`);
  // No item, no subflow and no outputs (as Kestra).
  if (batches.length === 0) return ctx.finishRun({ ...run, outputs: undefined, flowable: undefined }, 'SUCCESS');
  const count = batches.length;
  const iterations: Iterations = !flag(task.wait, true) ? { RUNNING: count } : { CREATED: count, RUNNING: 0 };
  const progress: Progress = { children: {}, flowOutputs: [] };
  const started = ctx.replace({ ...run, outputs: { numberOfBatches: count, iterations }, flowable: { ...progress } });
  batches.forEach((items, i) => startChild(started, task, ctx, { items: String(items), iteration: i + 1 }));
  return started;
}

/** A child exists: it counts as RUNNING (CREATED before); without `wait` it counts as done, and the last one ends the run. */
export function forEachItemChildStarted(run: TaskRun, task: ItemsTask, childExecutionId: string, iteration: number | undefined, ctx: FlowableContext): void {
  const progress = progressOf(run);
  const wait = flag(task.wait, true);
  const iterations = moved(iterationsOf(run), wait ? 'CREATED' : 'RUNNING', wait ? 'RUNNING' : 'SUCCESS');
  const next = ctx.replace({
    ...run,
    outputs: { ...run.outputs, iterations },
    flowable: { ...run.flowable, children: { ...progress.children, [childExecutionId]: iteration ?? 0 } },
  });
  if (!wait && ended(iterations) === numberOfBatches(next)) ctx.finishRun(next, 'SUCCESS');
}

/** A waited-for child ended: counted in its end state; the last one ends the run with the outputs gathered. */
export function forEachItemChildEnded(event: SubflowEndedEvent, run: TaskRun, task: ItemsTask, ctx: FlowableContext): void {
  const progress = progressOf(run);
  const iteration = progress.children[event.childExecutionId] ?? 0;
  const iterations = moved(iterationsOf(run), 'RUNNING', event.state);
  const flowOutputs = event.flowOutputs && Object.keys(event.flowOutputs).length > 0 ? [...progress.flowOutputs, [iteration, event.flowOutputs] as [number, Record<string, unknown>]] : progress.flowOutputs;
  const next = ctx.replace({ ...run, outputs: { ...run.outputs, iterations }, flowable: { ...run.flowable, flowOutputs } });
  if (ended(iterations) < numberOfBatches(next)) return;
  const outputs: Record<string, unknown> = { numberOfBatches: numberOfBatches(next), iterations };
  // The merge run writes them to one file, one line a child in batch order (Kestra keeps them as files per batch).
  if (flowOutputs.length > 0) outputs.flowOutputs = [...flowOutputs].sort((a, b) => a[0] - b[0]).map(([, values]) => values);
  ctx.finishRun({ ...next, outputs }, flag(task.transmitFailed, true) ? worstOf(iterations) : 'SUCCESS');
}

function progressOf(run: TaskRun): Progress {
  const flowable = (run.flowable ?? {}) as Partial<Progress>;
  return { children: flowable.children ?? {}, flowOutputs: flowable.flowOutputs ?? [] };
}

function iterationsOf(run: TaskRun): Iterations {
  return (run.outputs?.iterations ?? {}) as Iterations;
}

function numberOfBatches(run: TaskRun): number {
  return Number(run.outputs?.numberOfBatches ?? 0);
}

function moved(iterations: Iterations, from: string, to: string): Iterations {
  return { ...iterations, [from]: Math.max(0, (iterations[from] ?? 0) - 1), [to]: (iterations[to] ?? 0) + 1 };
}

function ended(iterations: Iterations): number {
  return ENDED.reduce((sum, state) => sum + (iterations[state] ?? 0), 0);
}

/** Kestra's order: any FAILED child fails the run, else any KILLED kills it, else any WARNING warns. */
function worstOf(iterations: Iterations): StateType {
  if ((iterations.FAILED ?? 0) > 0) return 'FAILED';
  if ((iterations.KILLED ?? 0) > 0) return 'KILLED';
  if ((iterations.WARNING ?? 0) > 0) return 'WARNING';
  return 'SUCCESS';
}
