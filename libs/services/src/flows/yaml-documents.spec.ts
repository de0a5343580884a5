import { splitYamlDocuments } from './yaml-documents.js';
import { validateFlows } from './validate-flows.js';

describe('splitYamlDocuments', () => {
  it('splits on --- lines, keeping each text verbatim with its first line', () => {
    const text = 'a: 1\n---\n# only a comment\n--- # note\nb: 2\nc: 3\n---\n';
    expect(splitYamlDocuments(text)).toEqual([
      { index: 0, source: 'a: 1', firstLine: 1 },
      { index: 1, source: 'b: 2\nc: 3', firstLine: 5 },
    ]);
  });

  it('does not split on --- inside a line or a block scalar indented below it', () => {
    expect(splitYamlDocuments('a: "---"\nb: |\n  ---\n')).toHaveLength(1);
  });
});

describe('validateFlows', () => {
  it('reports each document, with lines of the whole text', () => {
    const text = 'id: ok\nnamespace: n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.debug.Return\n    format: x\n---\nid: bad\nnamespace: n\ntasks:\n  - id: t\n    type: nope\n';
    const [ok, bad] = validateFlows(text);
    expect(ok).toMatchObject({ index: 0, flow: 'ok', namespace: 'n', violations: [] });
    expect(ok!.constraints).toBeUndefined();
    expect(bad).toMatchObject({ index: 1, flow: 'bad', violations: [expect.objectContaining({ path: 'tasks[0].type', line: 12 })] });
    expect(bad!.constraints).toContain('line 12');
  });
});
