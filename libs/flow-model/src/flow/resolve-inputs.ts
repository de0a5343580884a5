import type { Flow, FlowInput } from './flow.js';
import { coerceInputValue } from './input-value.js';
import { isTemplate } from './template-text.js';

export interface InputViolation {
  input: string;
  message: string;
}

/** Inputs given to an execution that do not fit the flow's declarations; lists every bad input. */
export class InputValidationError extends Error {
  readonly violations: InputViolation[];

  constructor(violations: InputViolation[]) {
    super(`Invalid inputs:\n${violations.map((v) => `- ${v.input}: ${v.message}`).join('\n')}`);
    this.name = 'InputValidationError';
    this.violations = violations;
  }
}

export interface ResolveInputsOptions {
  /** The clock of the caller, for date-relative checks; reserved, no input type needs it yet. */
  now?: Date;
  /**
   * Skip the `required` check. Kestra does not check the inputs of executions started by a Flow
   * trigger, so a listener with a required input still runs when the trigger gives none.
   */
  skipRequiredCheck?: boolean;
  /**
   * Evaluates an expression to a typed value (the caller's renderer, with the execution's variables): a
   * SELECT or MULTISELECT input's `expression` gives its allowed values. Without it such an input is refused.
   */
  evaluate?: (expression: string) => unknown;
}

/**
 * Converts the given values to the flow's declared input types, fills in `defaults`, and checks
 * `required` and each type's validators, like Kestra's FlowInputOutput.typedInputs:
 * - undeclared inputs are dropped;
 * - a missing optional input is present with the value `null`;
 * - defaults that are templates (`{{ }}`) are returned as text, for the caller to render;
 * - ids with dots (`request.name`) become nested objects (`{request: {name}}`).
 * Throws {@link InputValidationError}.
 */
export function resolveInputs(
  flow: Pick<Flow, 'inputs'>,
  given: Record<string, unknown>,
  options: ResolveInputsOptions = {},
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  const violations: InputViolation[] = [];
  for (const declared of flow.inputs) {
    let input = declared;
    if (hasValuesExpression(declared)) {
      try {
        input = { ...declared, values: expressionValues(declared.expression, options.evaluate) };
      } catch (error) {
        violations.push({ input: declared.id, message: (error as Error).message });
        continue;
      }
    }
    let value = Object.hasOwn(given, input.id) ? given[input.id] : undefined;
    let fromDefaults = false;
    if ((value === undefined || value === null) && input.defaults !== undefined && input.defaults !== null) {
      value = input.defaults;
      fromDefaults = true;
    }
    if (value === undefined || value === null) {
      if (input.required && !options.skipRequiredCheck) {
        violations.push({ input: input.id, message: 'missing required input' });
      } else {
        resolved[input.id] = null;
      }
      continue;
    }
    if (fromDefaults && isTemplate(value)) {
      resolved[input.id] = value;
      continue;
    }
    try {
      resolved[input.id] = coerceInputValue(input, value);
    } catch (error) {
      violations.push({ input: input.id, message: (error as Error).message });
    }
  }
  if (violations.length > 0) throw new InputValidationError(violations);
  return nestDottedIds(resolved);
}

function hasValuesExpression(input: FlowInput): input is FlowInput & { expression: string } {
  return (input.type === 'SELECT' || input.type === 'MULTISELECT') && typeof input.expression === 'string';
}

/** The allowed values an input's `expression` gives: a list, whose null items are dropped and others made text. */
function expressionValues(expression: string, evaluate: ResolveInputsOptions['evaluate']): string[] {
  if (!evaluate) throw new Error(`its 'expression' cannot be evaluated here`);
  let result: unknown;
  try {
    result = evaluate(expression);
  } catch (error) {
    throw new Error(`Cannot render 'expression'. Cause: ${(error as Error).message}`);
  }
  if (!Array.isArray(result)) {
    const type = result === null || result === undefined ? '<null>' : typeof result;
    throw new Error(`Invalid expression result. Expected a list of strings, but received ${type}`);
  }
  return result.filter((item) => item !== null && item !== undefined).map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item)));
}

function nestDottedIds(flat: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(flat)) {
    const parts = id.split('.');
    let target = result;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1]!] = value;
  }
  return result;
}
