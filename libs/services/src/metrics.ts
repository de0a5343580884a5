import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isTerminated, type Execution } from '@osprey/flow-model';
import type { Backend } from '@osprey/server';

/** Prometheus metrics of one process; queue depths are read from the backend at scrape time. */
export class OspreyMetrics {
  readonly registry = new Registry();
  private readonly ended: Counter<'state' | 'namespace'>;
  private readonly jobWait: Histogram<'type'>;
  private readonly jobRun: Histogram<'type' | 'state'>;
  private readonly indexed: Counter<'kind'>;

  /** `indexerLag` answers undefined in processes that do not index. */
  constructor(backend: Backend, activeJobs: () => number, indexerLag: () => Promise<number> | undefined = () => undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'osprey_' });
    new Gauge({
      name: 'osprey_worker_jobs_pending',
      help: 'Worker jobs waiting for a worker (the autoscaling metric).',
      registers: [this.registry],
      async collect() {
        this.set((await backend.jobs.depth()).pending);
      },
    });
    new Gauge({
      name: 'osprey_worker_jobs_running',
      help: 'Worker jobs leased by a worker now.',
      registers: [this.registry],
      async collect() {
        this.set((await backend.jobs.depth()).running);
      },
    });
    new Gauge({
      name: 'osprey_execution_events_pending',
      help: 'Execution events waiting for an executor, delayed ones included.',
      registers: [this.registry],
      async collect() {
        this.set(await backend.events.depth());
      },
    });
    new Gauge({
      name: 'osprey_worker_active_jobs',
      help: 'Jobs this process runs now.',
      registers: [this.registry],
      collect() {
        this.set(activeJobs());
      },
    });
    new Gauge({
      name: 'osprey_indexer_lag',
      help: 'Queue messages (executions, logs) not yet written to the search repository by this indexer.',
      registers: [this.registry],
      async collect() {
        const lag = indexerLag();
        if (lag !== undefined) this.set(await lag);
      },
    });
    this.indexed = new Counter({ name: 'osprey_indexer_documents_total', help: 'Documents the indexer wrote to the search repository.', labelNames: ['kind'], registers: [this.registry] });
    const buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];
    this.jobWait = new Histogram({ name: 'osprey_worker_job_wait_seconds', help: 'Time from the executor dispatching a job to a worker starting it.', labelNames: ['type'], buckets, registers: [this.registry] });
    this.jobRun = new Histogram({ name: 'osprey_worker_job_run_seconds', help: 'Time a worker spent running a job, by task type and result.', labelNames: ['type', 'state'], buckets, registers: [this.registry] });
    this.ended = new Counter({ name: 'osprey_executions_ended_total', help: 'Executions ended, by final state.', labelNames: ['state', 'namespace'], registers: [this.registry] });
  }

  observeJob({ type, state, waitMs, runMs }: { type: string; state: string; waitMs: number; runMs: number }): void {
    this.jobWait.observe({ type }, waitMs / 1000);
    this.jobRun.observe({ type, state }, runMs / 1000);
  }

  observeIndexed(executions: number, logs: number): void {
    if (executions > 0) this.indexed.inc({ kind: 'execution' }, executions);
    if (logs > 0) this.indexed.inc({ kind: 'log' }, logs);
  }

  observeExecution(execution: Execution): void {
    if (isTerminated(execution.state.current)) this.ended.inc({ state: execution.state.current, namespace: execution.namespace });
  }
}
