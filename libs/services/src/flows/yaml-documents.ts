/** One document of a multi-document YAML text, with the line it starts on (1-based) in the whole text. */
export interface YamlDocumentText {
  index: number;
  source: string;
  firstLine: number;
}

const SEPARATOR = /^---[ \t]*(#.*)?$/;

/**
 * Splits a multi-document YAML text on its `---` lines, as Kestra's bulk endpoints take flows, keeping each
 * document's text verbatim (it becomes the stored source) and where it starts (so violations point at the
 * line of the whole text). Documents holding only blanks and comments are skipped.
 */
export function splitYamlDocuments(text: string): YamlDocumentText[] {
  const lines = text.split(/\r?\n/);
  const documents: YamlDocumentText[] = [];
  let start = 0;
  const flush = (end: number) => {
    const chunk = lines.slice(start, end);
    if (chunk.some((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))) {
      documents.push({ index: documents.length, source: chunk.join('\n'), firstLine: start + 1 });
    }
  };
  lines.forEach((line, i) => {
    if (SEPARATOR.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(lines.length);
  return documents;
}
