import { checkTaskRunMetric, type TaskRunMetric } from '@osprey/flow-model';
import type { TaskLogger } from '../task-runner.js';

/**
 * The metric sink behind {@link RunContext.metric}: keeps the valid metrics of one attempt in the order they
 * came, and ignores an invalid one with a WARN log naming what is wrong (scripts send untrusted JSON).
 */
export class MetricCollector {
  private readonly collected: TaskRunMetric[] = [];

  constructor(private readonly logger: TaskLogger) {}

  add(entry: TaskRunMetric): void {
    const checked = checkTaskRunMetric(entry);
    if ('problem' in checked) this.logger.warn(`Ignoring a metric: ${checked.problem}`);
    else this.collected.push(checked.metric);
  }

  /** The metrics collected so far. */
  get metrics(): readonly TaskRunMetric[] {
    return this.collected;
  }
}
