/** Lines shown around the first match, as Kestra's source search shows them: the line before it and three from it. */
const FRAGMENT_LINES = 4;

/**
 * Kestra's highlighted fragment of a flow source for a search text: the lines around the first line containing the
 * text (case-insensitive), each first occurrence wrapped in `[mark]`…`[/mark]`, as one fragment. Blank lines do not
 * count, as in Kestra, which splits the source on its non-empty lines.
 */
export function sourceFragments(query: string | undefined, source: string): string[] {
  const lines = source.split('\n').filter((line) => line !== '');
  // Without a text, the fragment is the start of the source, unmarked.
  const at = (line: string) => (query ? line.toLowerCase().indexOf(query.toLowerCase()) : -1);
  const first = Math.max(0, lines.findIndex((line) => at(line) >= 0));
  const start = Math.max(0, first - 1);
  const shown = lines.slice(start, start + FRAGMENT_LINES).map((line) => {
    const i = at(line);
    if (i < 0 || !query) return line;
    return `${line.slice(0, i)}[mark]${line.slice(i, i + query.length)}[/mark]${line.slice(i + query.length)}`;
  });
  return [shown.join('\n')];
}

/** Whether a flow source holds the search text, case-insensitive. */
export function sourceMatches(query: string, source: string): boolean {
  return source.toLowerCase().includes(query.toLowerCase());
}
