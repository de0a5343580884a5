import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isTerminated, type Execution } from '@osprey/flow-model';
import type { ExecutionEventQueue, WorkerJobQueue } from '@osprey/queue';

/**
 * How long a scrape waits for one value read from the backend. Past it the gauge keeps its last value and
 * `osprey_metric_collect_failures_total` counts the miss: a backend that does not answer (a Kafka group rebalancing,
 * a database failing over) must not hang the scrape, and with it every other metric of the process.
 */
export const METRICS_COLLECT_TIMEOUT_MS = 5_000;

/** Prometheus metrics of one process; queue depths are read from the queue at scrape time. */
export class OspreyMetrics {
  readonly registry = new Registry();
  private readonly ended: Counter<'state' | 'namespace'>;
  private readonly jobWait: Histogram<'type'>;
  private readonly jobRun: Histogram<'type' | 'state'>;
  private readonly indexed: Counter<'kind'>;
  private readonly queueHandler: Histogram<'pattern' | 'outcome'>;
  /** Each sets a gauge from the backend, bounded by the collect timeout; run before each scrape is serialised. */
  private readonly backendReads: (() => Promise<void>)[] = [];
  /** Set by the worker module: jobs this process runs now. */
  activeJobs: () => number = () => 0;
  /** Set by the indexer module; undefined in processes that do not index. */
  indexerLag: () => Promise<number> | undefined = () => undefined;

  constructor(events: ExecutionEventQueue, jobs: WorkerJobQueue, collectTimeoutMs = METRICS_COLLECT_TIMEOUT_MS) {
    // The gauges' collect() runs with the gauge as `this`: read the sources through arrows.
    const activeJobs = () => this.activeJobs();
    const indexerLag = () => this.indexerLag();
    collectDefaultMetrics({ register: this.registry, prefix: 'osprey_' });
    const failures = new Counter({
      name: 'osprey_metric_collect_failures_total',
      help: 'Scrapes in which a metric read from the backend failed or did not answer in time (the metric kept its last value).',
      labelNames: ['metric'],
      registers: [this.registry],
    });
    const backendGauge = (name: string, help: string, read: () => Promise<number | undefined>): void => {
      const gauge = new Gauge({ name, help, registers: [this.registry] });
      this.backendReads.push(async () => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), collectTimeoutMs);
        });
        try {
          const value = await Promise.race([read(), timedOut]);
          if (value === 'timeout') failures.inc({ metric: name });
          else if (value !== undefined) gauge.set(value);
        } catch {
          failures.inc({ metric: name });
        } finally {
          clearTimeout(timer);
        }
      });
    };
    backendGauge('osprey_worker_jobs_pending', 'Worker jobs waiting for a worker (the autoscaling metric).', async () => (await jobs.depth()).pending);
    backendGauge('osprey_worker_jobs_running', 'Worker jobs leased by a worker now.', async () => (await jobs.depth()).running);
    backendGauge('osprey_execution_events_pending', 'Execution events waiting for an executor, delayed ones included.', () => events.depth());
    new Gauge({
      name: 'osprey_worker_active_jobs',
      help: 'Jobs this process runs now.',
      registers: [this.registry],
      collect() {
        this.set(activeJobs());
      },
    });
    backendGauge('osprey_indexer_lag', 'Queue messages (executions, logs) not yet written to the search repository by this indexer.', async () => indexerLag());
    this.indexed = new Counter({ name: 'osprey_indexer_documents_total', help: 'Documents the indexer wrote to the search repository.', labelNames: ['kind'], registers: [this.registry] });
    const buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];
    this.jobWait = new Histogram({ name: 'osprey_worker_job_wait_seconds', help: 'Time from the executor dispatching a job to a worker starting it.', labelNames: ['type'], buckets, registers: [this.registry] });
    this.jobRun = new Histogram({ name: 'osprey_worker_job_run_seconds', help: 'Time a worker spent running a job, by task type and result.', labelNames: ['type', 'state'], buckets, registers: [this.registry] });
    this.queueHandler = new Histogram({
      name: 'osprey_queue_handler_seconds',
      help: 'Time a queue handler took for one message (one execution\'s claimed events, one worker job), by pattern and outcome (ok, failed).',
      labelNames: ['pattern', 'outcome'],
      buckets,
      registers: [this.registry],
    });
    this.ended = new Counter({ name: 'osprey_executions_ended_total', help: 'Executions ended, by final state.', labelNames: ['state', 'namespace'], registers: [this.registry] });
  }

  /**
   * The metrics as Prometheus text. The backend reads run first, each bounded (a gauge whose read failed or timed out
   * keeps its last value), so that a miss is counted in the same scrape.
   */
  async scrape(): Promise<string> {
    await Promise.all(this.backendReads.map((read) => read()));
    return this.registry.metrics();
  }

  observeJob({ type, state, waitMs, runMs }: { type: string; state: string; waitMs: number; runMs: number }): void {
    this.jobWait.observe({ type }, waitMs / 1000);
    this.jobRun.observe({ type, state }, runMs / 1000);
  }

  observeQueueHandler(pattern: string, outcome: 'ok' | 'failed', seconds: number): void {
    this.queueHandler.observe({ pattern, outcome }, seconds);
  }

  observeIndexed(executions: number, logs: number): void {
    if (executions > 0) this.indexed.inc({ kind: 'execution' }, executions);
    if (logs > 0) this.indexed.inc({ kind: 'log' }, logs);
  }

  observeExecution(execution: Execution): void {
    if (isTerminated(execution.state.current)) this.ended.inc({ state: execution.state.current, namespace: execution.namespace });
  }
}

