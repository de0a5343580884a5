import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { isTerminated, type Execution } from '@osprey/flow-model';
import type { Backend } from '@osprey/server';

/** Prometheus metrics of one process; queue depths are read from the backend at scrape time. */
export class OspreyMetrics {
  readonly registry = new Registry();
  private readonly ended: Counter<'state' | 'namespace'>;

  constructor(backend: Backend, activeJobs: () => number) {
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
    this.ended = new Counter({ name: 'osprey_executions_ended_total', help: 'Executions ended, by final state.', labelNames: ['state', 'namespace'], registers: [this.registry] });
  }

  observeExecution(execution: Execution): void {
    if (isTerminated(execution.state.current)) this.ended.inc({ state: execution.state.current, namespace: execution.namespace });
  }
}
