/**
 * A glob as Java's `PathMatcher("glob:...")` reads it, for paths written with `/`: `*` and `?` stay within a path
 * segment, `**` crosses segments, `{a,b}` picks one of several, `[abc]` one character.
 */
export function globRegExp(glob: string): RegExp {
  let out = '';
  let inGroup = false;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '{' && !inGroup) {
      out += '(?:';
      inGroup = true;
    } else if (ch === '}' && inGroup) {
      out += ')';
      inGroup = false;
    } else if (ch === ',' && inGroup) out += '|';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new SyntaxError(`unclosed '[' in glob '${glob}'`);
      out += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else out += /[.+^$()|\]\\/]/.test(ch) ? `\\${ch}` : ch;
  }
  if (inGroup) throw new SyntaxError(`unclosed '{' in glob '${glob}'`);
  return new RegExp(`^${out}$`);
}

/**
 * Kestra's `PathMatcherPredicate` over `/`-rooted paths: a pattern written `glob:...` or `regex:...` is read as that
 * syntax, as written. Any other pattern is a glob: for namespace files (`at: 'any depth'`) one that starts with a word
 * character matches at any depth (`*.py` is `**\/*.py`); inside a folder (`at: 'root'`) it is rooted at the folder.
 */
export function pathMatcher(patterns: readonly string[], at: 'any depth' | 'root' = 'any depth'): (path: string) => boolean {
  const compiled = patterns.map((pattern) => {
    if (pattern.startsWith('regex:')) return new RegExp(`^(?:${pattern.slice('regex:'.length)})$`);
    if (pattern.startsWith('glob:')) return globRegExp(pattern.slice('glob:'.length));
    if (at === 'root') return globRegExp(pattern.startsWith('/') ? pattern : `/${pattern}`);
    return globRegExp(/^\w/.test(pattern) ? `**/${pattern}` : pattern);
  });
  return (path) => {
    const rooted = path.startsWith('/') ? path : `/${path}`;
    return compiled.some((r) => r.test(rooted));
  };
}

/** Matches namespace file paths (`/a/b.py`) against include/exclude patterns ({@link pathMatcher}); exclude wins. */
export function pathFilter(include: readonly string[] | undefined, exclude: readonly string[] | undefined): (path: string) => boolean {
  const includes = include && include.length > 0 ? pathMatcher(include) : undefined;
  const excludes = pathMatcher(exclude ?? []);
  return (path) => (!includes || includes(path)) && !excludes(path);
}
