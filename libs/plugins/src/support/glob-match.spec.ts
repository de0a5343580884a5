import { globRegExp, pathFilter, pathMatcher } from './glob-match.js';

describe('globs of namespaceFiles', () => {
  it('reads * and ? within a segment, ** across segments, {a,b} and [abc]', () => {
    expect(globRegExp('/scripts/*.py').test('/scripts/a.py')).toBe(true);
    expect(globRegExp('/scripts/*.py').test('/scripts/sub/a.py')).toBe(false);
    expect(globRegExp('/scripts/**').test('/scripts/sub/a.py')).toBe(true);
    expect(globRegExp('/f?.{txt,csv}').test('/f1.csv')).toBe(true);
    expect(globRegExp('/[ab].txt').test('/c.txt')).toBe(false);
  });

  it('matches a glob that starts with a word character at any depth, and lets exclude win over include', () => {
    const keep = pathFilter(['scripts/*.py', 'conf.txt', '**.sql'], ['**/skip_*']);
    expect(['scripts/main.py', 'scripts/skip_test.py', 'README.md', 'conf.txt', 'a/conf.txt', 'a/b/q.sql'].filter(keep)).toEqual(['scripts/main.py', 'conf.txt', 'a/conf.txt', 'a/b/q.sql']);
    // As Java's glob on a rooted path: '*' never crosses the leading '/', so '*.py' alone matches nothing.
    expect(['x.py', 'a/x.py'].filter(pathFilter(['*.py'], []))).toEqual([]);
    expect(['x', 'y/z'].filter(pathFilter(undefined, undefined))).toEqual(['x', 'y/z']);
    expect(['/a/b.sql', 'b.sql'].filter(pathFilter(['/a/**'], []))).toEqual(['/a/b.sql']);
  });

  it('reads glob: and regex: prefixed patterns as written, and roots plain globs at a folder when asked', () => {
    expect(['a/x.py', 'b/y.py', 'c.txt'].filter(pathMatcher(['regex:/b/.*\\.py', 'glob:/a/*']))).toEqual(['a/x.py', 'b/y.py']);
    // Without a prefix, 'x.py' matches at any depth among namespace files, only at the top of a folder otherwise.
    expect(['x.py', 'a/x.py'].filter(pathMatcher(['x.py']))).toEqual(['x.py', 'a/x.py']);
    expect(['x.py', 'a/x.py'].filter(pathMatcher(['x.py'], 'root'))).toEqual(['x.py']);
    expect(['x.py', 'a/x.py'].filter(pathMatcher(['**/*.py'], 'root'))).toEqual(['a/x.py']);
    expect(() => pathMatcher(['regex:(a'])).toThrow(SyntaxError);
  });
});
