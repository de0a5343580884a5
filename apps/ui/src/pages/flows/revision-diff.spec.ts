import { diffRows, sideBySide, withContext } from './revision-diff.js';

const OLD = 'id: a\nnamespace: n\ntasks:\n  - id: t\n    type: Log\n    message: hi\n';
const NEW = 'id: a\nnamespace: n\ntasks:\n  - id: t\n    type: Log\n    message: hello\n    level: WARN\n';

describe('diffRows', () => {
  it('numbers the lines of each side and marks changes', () => {
    const rows = diffRows(OLD, NEW);
    expect(rows.filter((r) => r.kind !== 'same')).toEqual([
      { kind: 'removed', oldLine: 6, text: '    message: hi' },
      { kind: 'added', newLine: 6, text: '    message: hello' },
      { kind: 'added', newLine: 7, text: '    level: WARN' },
    ]);
    expect(rows[0]).toEqual({ kind: 'same', oldLine: 1, newLine: 1, text: 'id: a' });
  });

  it('puts a removed line next to the line that replaced it', () => {
    const pairs = sideBySide(diffRows(OLD, NEW)).filter((p) => p.left?.kind !== 'same');
    expect(pairs.map((p) => [p.left?.text, p.right?.text])).toEqual([
      ['    message: hi', '    message: hello'],
      [undefined, '    level: WARN'],
    ]);
  });

  it('keeps a few lines of context around changes and marks the skipped runs', () => {
    const rows = withContext(diffRows(OLD, NEW), 1);
    expect(rows[0]).toBeNull();
    expect(rows.filter((r) => r !== null).map((r) => r!.text)).toEqual(['    type: Log', '    message: hi', '    message: hello', '    level: WARN']);
  });
});
