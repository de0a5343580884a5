import { describe, expect, it } from '@jest/globals';
import { bindNamedParameters, MissingSqlParameterError, splitStatements } from './sql-statements.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops blank and comment-only statements', () => {
    expect(splitStatements('create table t (a int);\n insert into t values (1) ;\n-- done\n;')).toEqual(['create table t (a int)', 'insert into t values (1)']);
  });

  it('keeps semicolons inside quotes, identifiers, comments and dollar quotes', () => {
    const sql = `insert into t values ('a;b', "c;d"); /* x; y */ select $$ e; f $$, $tag$ g; $tag$; select \`h;i\` -- j; k\n`;
    expect(splitStatements(sql)).toEqual([`insert into t values ('a;b', "c;d")`, '/* x; y */ select $$ e; f $$, $tag$ g; $tag$', 'select `h;i` -- j; k']);
  });

  it('reads a backslash as an escape only where the database does (MySQL)', () => {
    expect(splitStatements(String.raw`select 'a\'; b'; select 2`, { backslashEscapes: true })).toEqual([String.raw`select 'a\'; b'`, 'select 2']);
    expect(splitStatements(String.raw`select 'C:\'; select 2`)).toEqual([String.raw`select 'C:\'`, 'select 2']);
  });
});

describe('bindNamedParameters', () => {
  it('numbers the placeholders for PostgreSQL and binds a name used twice twice', () => {
    expect(bindNamedParameters('select :a, :b, :a', { a: 1, b: 'x' }, 'numbered')).toEqual({ sql: 'select $1, $2, $3', values: [1, 'x', 1] });
  });

  it('leaves casts, quoted texts and comments alone', () => {
    const bound = bindNamedParameters(`select :v::int, ':not', "x:y" -- :c\nfrom t`, { v: '5' }, 'question');
    expect(bound).toEqual({ sql: `select ?::int, ':not', "x:y" -- :c\nfrom t`, values: ['5'] });
  });

  it('refuses a placeholder that parameters has no value for, by name', () => {
    expect(() => bindNamedParameters('select :missing', {}, 'question')).toThrow(MissingSqlParameterError);
    expect(() => bindNamedParameters('select :missing', {}, 'question')).toThrow(/':missing'/);
  });
});
