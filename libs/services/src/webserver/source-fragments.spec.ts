import { sourceFragments, sourceMatches } from './source-fragments.js';

const SOURCE = ['id: hello', 'namespace: io.osprey.tests', '', 'tasks:', '  - id: say', '    type: io.kestra.plugin.core.log.Log', '    message: Hello hello', '  - id: end', '    type: io.kestra.plugin.core.debug.Return', ''].join('\n');

describe('sourceFragments', () => {
  it('shows the line before the first match and three from it, blank lines skipped, each first occurrence marked', () => {
    expect(sourceFragments('LOG', SOURCE)).toEqual([['  - id: say', '    type: io.kestra.plugin.core.[mark]log[/mark].Log', '    message: Hello hello', '  - id: end'].join('\n')]);
  });

  it('marks from the first line when it matches, keeping the case of the source', () => {
    expect(sourceFragments('HELLO', SOURCE)).toEqual([['id: [mark]hello[/mark]', 'namespace: io.osprey.tests', 'tasks:', '  - id: say'].join('\n')]);
  });

  it('answers the start of the source unmarked without a text or without a match', () => {
    const start = ['id: hello', 'namespace: io.osprey.tests', 'tasks:', '  - id: say'].join('\n');
    expect(sourceFragments(undefined, SOURCE)).toEqual([start]);
    expect(sourceFragments('nowhere', SOURCE)).toEqual([start]);
  });
});

describe('sourceMatches', () => {
  it('finds the text anywhere in the source, case-insensitive', () => {
    expect(sourceMatches('DEBUG.return', SOURCE)).toBe(true);
    expect(sourceMatches('subflow', SOURCE)).toBe(false);
  });
});
