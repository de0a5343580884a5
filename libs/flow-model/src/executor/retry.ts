import type { RetryPolicy } from '../flow/flow.js';
import { parseDuration } from '../flow/index.js';

/**
 * Milliseconds to wait before the attempt after `failedAttempt` (1-based), or undefined when the
 * policy allows no further attempt (maxAttempt counts all attempts, maxDuration runs from the first start).
 * With behavior CREATE_NEW_EXECUTION the attempts are executions and the first start is the first one's creation.
 */
export function nextRetryDelay(policy: RetryPolicy, failedAttempt: number, firstStartMs: number, nowMs: number): number | undefined {
  if (policy.maxAttempt !== undefined && failedAttempt >= policy.maxAttempt) return undefined;
  let delay: number;
  switch (policy.type) {
    case 'constant':
      delay = ms(policy.interval);
      break;
    case 'exponential': {
      const base = ms(policy.interval);
      const factor = policy.delayFactor ?? 2;
      delay = base * Math.pow(factor, failedAttempt - 1);
      if (policy.maxInterval) delay = Math.min(delay, ms(policy.maxInterval));
      break;
    }
    case 'random': {
      const min = ms(policy.minInterval);
      const max = Math.max(min, ms(policy.maxInterval));
      // Deterministic spread so that the decision function stays pure.
      const spread = ((firstStartMs ^ (failedAttempt * 2654435761)) >>> 0) / 0xffffffff;
      delay = min + Math.round((max - min) * spread);
      break;
    }
    default:
      return undefined;
  }
  if (policy.maxDuration !== undefined && nowMs + delay - firstStartMs > ms(policy.maxDuration)) return undefined;
  return delay;
}

function ms(duration: string | undefined): number {
  return duration ? parseDuration(duration) : 0;
}
