/** Parsed form of a Pebble template. `p` is the offset in the template source, for errors. */

export interface Argument {
  name?: string;
  value: Expr;
}

export type Expr =
  | { k: 'lit'; v: unknown; p: number }
  | { k: 'var'; name: string; p: number }
  | { k: 'attr'; obj: Expr; key: Expr; p: number }
  | { k: 'method'; obj: Expr; name: string; args: Argument[]; p: number }
  | { k: 'call'; name: string; args: Argument[]; p: number }
  | { k: 'filter'; input: Expr; name: string; args: Argument[]; p: number }
  | { k: 'test'; input: Expr; name: string; args: Argument[]; negate: boolean; p: number }
  | { k: 'unary'; op: string; operand: Expr; p: number }
  | { k: 'binary'; op: string; left: Expr; right: Expr; p: number }
  | { k: 'ternary'; cond: Expr; then: Expr; otherwise: Expr; p: number }
  | { k: 'list'; items: Expr[]; p: number }
  | { k: 'map'; entries: Array<[Expr, Expr]>; p: number };

export interface FilterCall {
  name: string;
  args: Argument[];
  p: number;
}

export interface MacroDefinition {
  name: string;
  params: Array<{ name: string; defaultValue?: Expr }>;
  body: TemplateNode[];
}

export type TemplateNode =
  | { k: 'text'; v: string }
  | { k: 'output'; e: Expr; p: number }
  | { k: 'if'; branches: Array<{ cond: Expr; body: TemplateNode[] }>; otherwise?: TemplateNode[]; p: number }
  | { k: 'for'; vars: string[]; iterable: Expr; body: TemplateNode[]; otherwise?: TemplateNode[]; p: number }
  | { k: 'set'; name: string; e: Expr; p: number }
  | { k: 'block'; name: string; body: TemplateNode[]; p: number }
  | { k: 'filterBlock'; filters: FilterCall[]; body: TemplateNode[]; p: number };

export interface CompiledTemplate {
  source: string;
  nodes: TemplateNode[];
  macros: Map<string, MacroDefinition>;
}
