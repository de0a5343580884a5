import { breadcrumbs, joinPath, normalizeFolder } from './folder-path.js';

describe('folder paths', () => {
  it('normalizes to a leading slash without trailing or doubled ones', () => {
    expect(normalizeFolder('')).toBe('/');
    expect(normalizeFolder(undefined)).toBe('/');
    expect(normalizeFolder('scripts//py/')).toBe('/scripts/py');
  });

  it('joins a name to a folder', () => {
    expect(joinPath('/', 'a.py')).toBe('/a.py');
    expect(joinPath('/scripts', 'a.py')).toBe('/scripts/a.py');
  });

  it('lists the breadcrumbs from the root', () => {
    expect(breadcrumbs('/a/b')).toEqual([
      { name: 'root', path: '/' },
      { name: 'a', path: '/a' },
      { name: 'b', path: '/a/b' },
    ]);
  });
});
