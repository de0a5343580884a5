/** One problem found in a flow, located by its path in the flow and its position in the YAML text. */
export interface Violation {
  /** Where in the flow, e.g. `tasks[1].retry.interval`; `` for the document itself. */
  path: string;
  message: string;
  /** 1-based line of the offending node, when the source text is known. */
  line?: number;
  /** 1-based column of the offending node. */
  column?: number;
}

/** A flow that cannot be accepted; lists every violation found, not just the first. */
export class FlowValidationError extends Error {
  readonly violations: Violation[];
  readonly fileName: string;

  constructor(violations: Violation[], fileName = '<flow>') {
    super(formatViolations(violations, fileName));
    this.name = 'FlowValidationError';
    this.violations = violations;
    this.fileName = fileName;
  }
}

function formatViolations(violations: Violation[], fileName: string): string {
  const lines = violations.map((v) => {
    const where = v.line === undefined ? fileName : `${fileName}:${v.line}:${v.column ?? 1}`;
    return `${where}: ${v.path || '<root>'}: ${v.message}`;
  });
  const count = violations.length === 1 ? '1 violation' : `${violations.length} violations`;
  return `Invalid flow (${count}):\n${lines.join('\n')}`;
}
