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
 * Matches namespace file paths (`/a/b.py`) against include/exclude globs the way Kestra does: a glob that starts with
 * a word character matches at any depth (`*.py` is `**\/*.py`).
 */
export function pathFilter(include: readonly string[] | undefined, exclude: readonly string[] | undefined): (path: string) => boolean {
  const compile = (globs: readonly string[]) => globs.map((g) => globRegExp(/^\w/.test(g) ? `**/${g}` : g));
  const includes = include && include.length > 0 ? compile(include) : undefined;
  const excludes = compile(exclude ?? []);
  return (path) => {
    const rooted = path.startsWith('/') ? path : `/${path}`;
    return (!includes || includes.some((r) => r.test(rooted))) && !excludes.some((r) => r.test(rooted));
  };
}
