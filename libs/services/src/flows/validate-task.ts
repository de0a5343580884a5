import { FlowValidationError, parseFlow, type Violation } from '@osprey/flow-model';
import { constraintsText, type FlowValidationResult } from './validate-flows.js';

export type TaskSection = 'task' | 'trigger';

/** Lines of the wrapper flow before the element's own text; its lines are indented by {@link INDENT} columns. */
const HEADER = { task: 'id: validate\nnamespace: validate\ntasks:\n  -\n', trigger: 'id: validate\nnamespace: validate\ntasks:\n  - id: validate\n    type: io.kestra.plugin.core.log.Log\n    message: validate\ntriggers:\n  -\n' };
const INDENT = 4;
const PREFIX = { task: 'tasks[0]', trigger: 'triggers[0]' };

/**
 * Validates one task or trigger (Kestra's `/flows/validate/task|trigger`) by the same checks as a whole flow: the
 * element is placed in a minimal flow and the violations under it are answered, with paths, lines and columns of
 * the element's own text. A problem only the rest of a real flow could settle (ids of sibling tasks) is not judged.
 */
export function validateTask(source: string, section: TaskSection): Omit<FlowValidationResult, 'namespace' | 'flow'> {
  const result = { index: 0, outdated: false, deprecationPaths: [], warnings: [], infos: [], violations: [] as Violation[] } satisfies Omit<FlowValidationResult, 'namespace' | 'flow'>;
  const header = HEADER[section];
  const headerLines = header.split('\n').length - 1;
  const indented = source.replace(/\r\n?/g, '\n').split('\n').map((line) => (line === '' ? line : ' '.repeat(INDENT) + line)).join('\n');
  try {
    parseFlow(header + indented);
  } catch (error) {
    if (!(error instanceof FlowValidationError)) throw error;
    const prefix = PREFIX[section];
    result.violations = error.violations.map((v) => ({
      ...v,
      path: v.path.startsWith(prefix) ? v.path.slice(prefix.length).replace(/^\./, '') : v.path,
      ...(v.line === undefined ? {} : { line: Math.max(1, v.line - headerLines) }),
      ...(v.column === undefined ? {} : { column: Math.max(1, v.column - INDENT) }),
    }));
    return { ...result, constraints: constraintsText(result.violations) };
  }
  return result;
}
