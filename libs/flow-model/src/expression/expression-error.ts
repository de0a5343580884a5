/** Position of a problem inside a template, 1-based. */
export interface TemplatePosition {
  line: number;
  column: number;
}

/**
 * A template that cannot be parsed or evaluated. The message names the problem, the
 * line/column inside the template and a snippet of the template around it.
 */
export class ExpressionError extends Error {
  override readonly name: string = 'ExpressionError';
  constructor(
    readonly problem: string,
    readonly template: string,
    readonly offset: number,
    readonly position: TemplatePosition = positionAt(template, offset),
  ) {
    super(`${problem} (at line ${position.line}, column ${position.column} of '${snippet(template, offset)}')`);
  }

  get line(): number {
    return this.position.line;
  }

  get column(): number {
    return this.position.column;
  }
}

/**
 * A variable or attribute that does not exist. Kestra runs Pebble in strict mode, so this is an
 * error unless `??`, `???`, `is defined` or the `default` filter guard the expression.
 */
export class UndefinedValueError extends ExpressionError {
  override readonly name: string = 'UndefinedValueError';
}

export function positionAt(template: string, offset: number): TemplatePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), template.length);
  for (let i = 0; i < end; i++) {
    if (template.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function snippet(template: string, offset: number): string {
  const max = 60;
  if (template.length <= max) return template;
  const start = Math.max(0, Math.min(offset - 20, template.length - max));
  return (start > 0 ? '…' : '') + template.slice(start, start + max) + (start + max < template.length ? '…' : '');
}
