import type { ExecutionEventQueue, WorkerJobQueue } from '@osprey/queue';
import { OspreyMetrics } from './metrics.js';

/** Queues whose depth reads answer what each test gives them: the metrics only read `jobs.depth` and `events.depth`. */
function queuesAnswering(jobs: () => Promise<{ pending: number; running: number }>, events: () => Promise<number>): [ExecutionEventQueue, WorkerJobQueue] {
  return [{ depth: events } as unknown as ExecutionEventQueue, { depth: jobs } as unknown as WorkerJobQueue];
}

function valueOf(text: string, line: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`${line} `))?.slice(line.length + 1);
}

describe('OspreyMetrics', () => {
  it('reads the queue depths from the backend at scrape time', async () => {
    let pending = 3;
    const metrics = new OspreyMetrics(...queuesAnswering(async () => ({ pending, running: 1 }), async () => 7));
    metrics.activeJobs = () => 2;
    expect(valueOf(await metrics.scrape(), 'osprey_worker_jobs_pending')).toBe('3');
    pending = 5;
    const text = await metrics.scrape();
    expect(valueOf(text, 'osprey_worker_jobs_pending')).toBe('5');
    expect(valueOf(text, 'osprey_worker_jobs_running')).toBe('1');
    expect(valueOf(text, 'osprey_execution_events_pending')).toBe('7');
    expect(valueOf(text, 'osprey_worker_active_jobs')).toBe('2');
  });

  it('answers a scrape while a backend read hangs: that gauge keeps its last value and the miss is counted', async () => {
    let hang = false;
    const never = new Promise<number>(() => undefined);
    const metrics = new OspreyMetrics(...queuesAnswering(async () => ({ pending: 4, running: 0 }), () => (hang ? never : Promise.resolve(9))), 50);
    expect(valueOf(await metrics.scrape(), 'osprey_execution_events_pending')).toBe('9');
    hang = true;
    const text = await metrics.scrape();
    expect(valueOf(text, 'osprey_execution_events_pending')).toBe('9');
    expect(valueOf(text, 'osprey_worker_jobs_pending')).toBe('4');
    expect(valueOf(text, 'osprey_metric_collect_failures_total{metric="osprey_execution_events_pending"}')).toBe('1');
  });

  it('answers a scrape when a backend read fails, counting the failure', async () => {
    const metrics = new OspreyMetrics(...queuesAnswering(() => Promise.reject(new Error('database unreachable')), async () => 1));
    const text = await metrics.scrape();
    expect(valueOf(text, 'osprey_execution_events_pending')).toBe('1');
    expect(valueOf(text, 'osprey_metric_collect_failures_total{metric="osprey_worker_jobs_pending"}')).toBe('1');
    expect(valueOf(text, 'osprey_metric_collect_failures_total{metric="osprey_worker_jobs_running"}')).toBe('1');
  });
});
