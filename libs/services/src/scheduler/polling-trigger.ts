import type { Flow, RenderOptions, Trigger } from '@osprey/flow-model';

/** What a polling trigger's evaluation sees: its flow, its own properties, the clock and the process's renderer. */
export interface PollingContext {
  flow: Flow;
  trigger: Trigger;
  now: Date;
  render: RenderOptions;
  /** Aborts when the scheduler stops. */
  signal: AbortSignal;
}

/**
 * A trigger type the scheduler polls (Kestra's PollingTriggerInterface): every `interval` it is evaluated, off the
 * executor's decision path (I/O allowed), and either starts one execution with the variables returned or none.
 */
export interface PollingTriggerType {
  /** Canonical type and aliases. */
  readonly types: readonly string[];
  /** Milliseconds between two evaluations of this trigger. */
  intervalMs(trigger: Trigger): number;
  /** The `trigger.*` variables of the execution to start, or undefined to start none; throws when the poll fails. */
  evaluate(ctx: PollingContext): Promise<Record<string, unknown> | undefined>;
}
