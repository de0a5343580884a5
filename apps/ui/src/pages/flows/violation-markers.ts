import type { FlowViolation } from '../../api/types.js';

export interface MarkerRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  message: string;
}

/**
 * Editor markers of the API's violations: from the violation's column to the end of its line (the whole first
 * line when the API gave no position), so the squiggle is visible even for a one-character token.
 */
export function violationMarkers(source: string, violations: FlowViolation[]): MarkerRange[] {
  const lines = source.split(/\r?\n/);
  return violations.map((v) => {
    const line = Math.min(Math.max(1, v.line ?? 1), Math.max(1, lines.length));
    const text = lines[line - 1] ?? '';
    const firstNonBlank = text.search(/\S/) + 1 || 1;
    const column = v.column && v.column >= 1 ? Math.min(v.column, text.length + 1) : firstNonBlank;
    const endColumn = Math.max(column + 1, text.length + 1);
    return { startLineNumber: line, startColumn: column, endLineNumber: line, endColumn, message: v.path ? `${v.path}: ${v.message}` : v.message };
  });
}
