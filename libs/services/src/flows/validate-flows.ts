import { FlowValidationError, parseFlow, type ParseFlowOptions, type Violation } from '@osprey/flow-model';
import { splitYamlDocuments } from './yaml-documents.js';

/** Kestra's `ValidateConstraintViolation`, with the violations themselves (lines of the whole text). */
export interface FlowValidationResult {
  index: number;
  namespace?: string;
  flow?: string;
  /** All problems as one text (Kestra's field); absent when the flow is valid. */
  constraints?: string;
  outdated: boolean;
  deprecationPaths: string[];
  warnings: string[];
  infos: string[];
  violations: Violation[];
}

/** Validates every flow of a multi-document YAML text without storing anything. */
export function validateFlows(text: string, options: Pick<ParseFlowOptions, 'storedPreconditions'> = {}): FlowValidationResult[] {
  const documents = splitYamlDocuments(text);
  if (documents.length === 0) documents.push({ index: 0, source: text, firstLine: 1 });
  return documents.map(({ index, source, firstLine }) => {
    const result: FlowValidationResult = { index, outdated: false, deprecationPaths: [], warnings: [], infos: [], violations: [] };
    try {
      const flow = parseFlow(source, options);
      result.namespace = flow.namespace;
      result.flow = flow.id;
    } catch (error) {
      if (!(error instanceof FlowValidationError)) throw error;
      result.violations = shiftViolations(error.violations, firstLine - 1);
      result.constraints = constraintsText(result.violations);
      // What can be read of a broken flow still identifies it.
      const identity = /^id:\s*(\S+)\s*$/m.exec(source);
      const namespace = /^namespace:\s*(\S+)\s*$/m.exec(source);
      if (identity) result.flow = identity[1];
      if (namespace) result.namespace = namespace[1];
    }
    return result;
  });
}

/** Kestra's `constraints` field: every violation on its own line, with its position and path. */
export function constraintsText(violations: Violation[]): string {
  return violations.map((v) => `${v.line === undefined ? '' : `line ${v.line}, column ${v.column ?? 1}: `}${v.path || '<root>'}: ${v.message}`).join('\n');
}

export function shiftViolations(violations: Violation[], lines: number): Violation[] {
  return violations.map((v) => (v.line === undefined || lines === 0 ? v : { ...v, line: v.line + lines }));
}
