import { parseFlow, type ParseFlowOptions } from '../flow/parse-flow.js';
import { FlowValidationError, type Violation } from '../flow/violation.js';

/** What parseFlow refuses in `source` (as file `f.yaml`), each with its path, line and column; none when it accepts it. */
export function flowViolations(source: string, options: ParseFlowOptions = {}): Violation[] {
  try {
    parseFlow(source, { fileName: 'f.yaml', ...options });
  } catch (error) {
    if (error instanceof FlowValidationError) return error.violations;
    throw error;
  }
  return [];
}
