import type { Flow } from '../flow/flow.js';
import { renderValue, type RenderOptions } from '../expression/index.js';

/**
 * The flow's `outputs`, rendered when the execution ends and converted to their declared types; undefined when it
 * declares none (the variables, costly to build, are asked for only then).
 */
export function renderFlowOutputs(flow: Flow, variables: () => Record<string, unknown>, render: RenderOptions): Record<string, unknown> | undefined {
  if (flow.outputs.length === 0) return undefined;
  const vars = variables();
  const result: Record<string, unknown> = {};
  for (const output of flow.outputs) result[output.id] = convertOutput(output.type, renderValue(output.value, vars, render));
  return result;
}

function convertOutput(type: string, value: unknown): unknown {
  switch (type?.toUpperCase()) {
    case 'STRING':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'INT':
    case 'FLOAT': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new Error(`output of type ${type} is not a number: ${JSON.stringify(value)}`);
      return type.toUpperCase() === 'INT' ? Math.trunc(n) : n;
    }
    case 'BOOLEAN':
      return value === true || value === 'true';
    case 'JSON':
      return typeof value === 'string' ? JSON.parse(value) : value;
    default:
      return value;
  }
}
