import { violationMarkers } from './violation-markers.js';

const SOURCE = 'id: hello\nnamespace: company.team\ntasks:\n  - id: t1\n    type: io.kestra.plugin.core.log.Nope\n';

describe('violationMarkers', () => {
  it('marks from the violation column to the end of its line', () => {
    const [marker] = violationMarkers(SOURCE, [{ path: 'tasks[0].type', message: 'unknown task type', line: 5, column: 11 }]);
    expect(marker).toEqual({ startLineNumber: 5, startColumn: 11, endLineNumber: 5, endColumn: 41, message: 'tasks[0].type: unknown task type' });
  });

  it('marks the first line from its first character when the API gave no position', () => {
    const [marker] = violationMarkers(SOURCE, [{ path: '', message: 'not a flow' }]);
    expect(marker).toMatchObject({ startLineNumber: 1, startColumn: 1, endColumn: 10, message: 'not a flow' });
  });

  it('keeps a position past the end of the text inside it', () => {
    const [marker] = violationMarkers('id: x', [{ path: 'tasks', message: 'missing', line: 9, column: 40 }]);
    expect(marker).toMatchObject({ startLineNumber: 1, startColumn: 6, endColumn: 7 });
  });

  it('starts at the first non-blank character when the column is missing', () => {
    const [marker] = violationMarkers(SOURCE, [{ path: 'tasks[0]', message: 'bad', line: 4 }]);
    expect(marker).toMatchObject({ startLineNumber: 4, startColumn: 3 });
  });
});
