import { parseFlow } from '../flow/index.js';
import type { Flow } from '../flow/flow.js';
import type { Execution, TaskRun } from '../execution/execution.js';
import { newState } from '../execution/state.js';
import { renderTemplate } from '../expression/index.js';
import { decide, type Decision } from '../executor/decide.js';
import type { ExecutionEvent, ExecutorAction, TaskResultEvent, WorkerJob } from '../executor/events.js';

/**
 * A deterministic stand-in for the executor loop and the workers: feeds events to `decide`, answers
 * dispatched jobs with results, fires scheduled events by moving a virtual clock.
 */
export type JobAnswer = Partial<Omit<TaskResultEvent, 'type' | 'taskRunId' | 'attempt'>> | 'hold';

export interface SimOptions {
  inputs?: Record<string, unknown>;
  /** How workers answer a job; by default a Return renders its format and everything succeeds. */
  answer?: (job: WorkerJob) => JobAnswer;
  /** How subflows end; by default SUCCESS. */
  subflow?: (request: Extract<ExecutorAction, { type: 'startSubflow' }>['request']) => { state: 'SUCCESS' | 'FAILED' | 'WARNING' | 'KILLED'; taskOutputs?: Record<string, unknown>; flowOutputs?: Record<string, unknown> } | 'hold';
  maxSteps?: number;
}

export class Simulation {
  execution: Execution;
  now = new Date('2026-01-01T00:00:00.000Z');
  readonly dispatched: WorkerJob[] = [];
  readonly held: WorkerJob[] = [];
  readonly actions: ExecutorAction[] = [];
  readonly decisions: Decision[] = [];
  private readonly queue: ExecutionEvent[] = [];
  private readonly timers: { at: number; event: ExecutionEvent }[] = [];
  private ids = 0;

  constructor(readonly flow: Flow, private readonly options: SimOptions = {}) {
    this.execution = {
      id: 'exec-1',
      namespace: flow.namespace,
      flowId: flow.id,
      flowRevision: 1,
      state: newState(this.now),
      labels: [],
      inputs: options.inputs ?? {},
      taskRunList: [],
      version: 0,
    };
    this.queue.push({ type: 'start' });
  }

  /** Processes events and timers until nothing is left or only held jobs remain. */
  run(): this {
    let steps = 0;
    for (;;) {
      while (this.queue.length > 0) {
        if (++steps > (this.options.maxSteps ?? 10_000)) throw new Error('simulation does not settle');
        this.step(this.queue.shift()!);
      }
      const timer = this.timers.sort((a, b) => a.at - b.at).shift();
      if (!timer) return this;
      this.now = new Date(Math.max(this.now.getTime(), timer.at));
      this.queue.push(timer.event);
    }
  }

  send(event: ExecutionEvent): this {
    this.queue.push(event);
    return this.run();
  }

  /** Processes the queued events only: timers stay pending (e.g. to act before a Pause's duration runs out). */
  drain(): this {
    while (this.queue.length > 0) this.step(this.queue.shift()!);
    return this;
  }

  /** Answers a held job now. */
  answer(job: WorkerJob, result: Omit<TaskResultEvent, 'type' | 'taskRunId' | 'attempt'>): this {
    this.held.splice(this.held.indexOf(job), 1);
    return this.send({ type: 'taskResult', taskRunId: job.taskRun.id, attempt: job.attempt, ...result });
  }

  private step(event: ExecutionEvent): void {
    this.now = new Date(this.now.getTime() + 1);
    const decision = decide({ flow: this.flow, execution: this.execution, event, now: this.now, newId: () => `tr-${++this.ids}` });
    this.decisions.push(decision);
    this.execution = decision.execution;
    for (const action of decision.actions) {
      this.actions.push(action);
      switch (action.type) {
        case 'dispatch': {
          this.dispatched.push(action.job);
          const answer = (this.options.answer ?? defaultAnswer)(action.job);
          if (answer === 'hold') {
            this.held.push(action.job);
            break;
          }
          this.queue.push({ type: 'taskStarted', taskRunId: action.job.taskRun.id, attempt: action.job.attempt, workerId: 'w1' });
          this.queue.push({ type: 'taskResult', taskRunId: action.job.taskRun.id, attempt: action.job.attempt, state: 'SUCCESS', ...answer });
          break;
        }
        case 'schedule':
          this.timers.push({ at: Date.parse(action.at), event: action.event });
          break;
        case 'startSubflow': {
          const { iteration } = action.request;
          const id = `child-${action.request.parentTaskRunId}${iteration === undefined ? '' : `-${iteration}`}`;
          this.queue.push({ type: 'subflowStarted', taskRunId: action.request.parentTaskRunId, childExecutionId: id, ...(iteration === undefined ? {} : { iteration }) });
          const end = this.options.subflow?.(action.request) ?? { state: 'SUCCESS' as const };
          if (end !== 'hold' && action.request.wait) {
            this.queue.push({ type: 'subflowEnded', taskRunId: action.request.parentTaskRunId, childExecutionId: id, ...end });
          }
          break;
        }
        default:
          break;
      }
    }
  }

  get state(): string {
    return this.execution.state.current;
  }
  runs(taskId: string): TaskRun[] {
    return this.execution.taskRunList.filter((r) => r.taskId === taskId);
  }
  run1(taskId: string): TaskRun {
    const runs = this.runs(taskId);
    if (runs.length !== 1) throw new Error(`expected one run of ${taskId}, found ${runs.length}`);
    return runs[0]!;
  }
  order(): string[] {
    return this.dispatched.map((j) => j.task.id);
  }
}

function defaultAnswer(job: WorkerJob): JobAnswer {
  const type = job.task.type;
  if (type.endsWith('.Fail')) return { state: 'FAILED', error: 'Task failure' };
  if (type.endsWith('.Return')) return { outputs: { value: renderTemplate(String(job.task.format), job.variables) } };
  return {};
}

/** A flow `test` in namespace io.osprey.tests with the YAML given after its id and namespace. */
export function flow(yaml: string): Flow {
  return parseFlow(`id: test\nnamespace: io.osprey.tests\n${yaml}`);
}

/** A Log task `id`, as a YAML list item at two spaces. */
export const log = (id: string, extra = '') => `  - id: ${id}\n    type: io.kestra.plugin.core.log.Log\n    message: hello${extra}\n`;

/** Indents a YAML fragment written at two spaces to `spaces`. */
export function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces - 2);
  return text
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n');
}
