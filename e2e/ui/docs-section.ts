import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the generated part of a section of a Markdown page: the text between `<!-- <id>:start -->` and
 * `<!-- <id>:end -->`. When the markers are missing, appends `## <heading>` with them at the end of the page, so
 * the hand-written rest of the page is never touched.
 */
export function writeGeneratedSection(file: string, id: string, heading: string, body: string): void {
  const start = `<!-- ${id}:start -->`;
  const end = `<!-- ${id}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const page = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  const next = from >= 0 && to > from ? page.slice(0, from) + block + page.slice(to + end.length) : `${page.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(file, next.trimStart());
}
