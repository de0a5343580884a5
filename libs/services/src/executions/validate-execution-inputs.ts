import { InputValidationError, type FlowInput, type Label } from '@osprey/flow-model';
import { NotFoundError, type FlowRepository } from '@osprey/repository';
import { newExecution } from './new-execution.js';
import { FlowDisabledError } from './trigger-execution.js';

export interface ValidateExecutionInputsCommand {
  namespace: string;
  flowId: string;
  revision?: number;
  inputs: Record<string, unknown>;
  labels?: Label[];
}

/** One declared input: the value the execution would get (the given one when it is refused) and why it is refused. */
export interface InputCheck {
  input: FlowInput;
  value: unknown;
  enabled: boolean;
  errors: { message: string }[];
}

export interface InputsValidation {
  id: string;
  namespace: string;
  inputs: InputCheck[];
}

/** The id the checked execution is built with: it is never stored nor emitted. */
const VALIDATION_ID = 'validation';

/**
 * Checks the inputs of a new execution as starting it would (same flow revision checks, conversions and
 * declarations), answering each input with its value and errors instead of refusing: nothing is created.
 */
export class ValidateExecutionInputs {
  constructor(
    private readonly flows: FlowRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(command: ValidateExecutionInputsCommand): Promise<InputsValidation> {
    const stored = await this.flows.get(command.namespace, command.flowId, command.revision);
    if (!stored || stored.deleted) throw new NotFoundError('flow', `${command.namespace}.${command.flowId}`);
    if (stored.disabled || stored.flow.disabled) throw new FlowDisabledError(command.namespace, command.flowId);
    const now = this.clock();
    const resolve = (inputs: Record<string, unknown>, skipRequiredInputs: boolean) =>
      newExecution({ flow: stored.flow, revision: stored.revision, inputs, labels: command.labels, skipRequiredInputs }, VALIDATION_ID, now).inputs;
    const errors = new Map<string, string[]>();
    let values: Record<string, unknown>;
    try {
      values = resolve(command.inputs, false);
    } catch (error) {
      if (!(error instanceof InputValidationError)) throw error;
      for (const v of error.violations) errors.set(v.input, [...(errors.get(v.input) ?? []), v.message]);
      // The other inputs' values, resolved without the refused ones (which keep the value given).
      const accepted = Object.fromEntries(Object.entries(command.inputs).filter(([id]) => !errors.has(id)));
      values = tryResolve(() => resolve(accepted, true)) ?? {};
    }
    return {
      id: stored.id,
      namespace: stored.namespace,
      inputs: stored.flow.inputs.map((input) => {
        const messages = errors.get(input.id);
        const value = messages ? (command.inputs[input.id] ?? null) : (valueAt(values, input.id) ?? null);
        return { input, value, enabled: true, errors: (messages ?? []).map((message) => ({ message })) };
      }),
    };
  }
}

function tryResolve(resolve: () => Record<string, unknown>): Record<string, unknown> | undefined {
  try {
    return resolve();
  } catch (error) {
    // A value that depends on a refused input cannot be computed: those inputs answer no value.
    if (error instanceof InputValidationError) return undefined;
    throw error;
  }
}

/** Inputs with dotted ids (`a.b`) are nested in the execution's inputs. */
function valueAt(values: Record<string, unknown>, id: string): unknown {
  if (Object.hasOwn(values, id)) return values[id];
  let current: unknown = values;
  for (const key of id.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
