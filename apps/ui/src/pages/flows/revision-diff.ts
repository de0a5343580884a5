import { diffLines } from 'diff';

export interface DiffRow {
  kind: 'same' | 'added' | 'removed';
  /** Line number in the old text (absent for an added line). */
  oldLine?: number;
  /** Line number in the new text (absent for a removed line). */
  newLine?: number;
  text: string;
}

/** A unified line diff of two sources, with line numbers on each side. */
export function diffRows(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const part of diffLines(oldText, newText)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    for (const text of lines) {
      if (part.added) rows.push({ kind: 'added', newLine: newLine++, text });
      else if (part.removed) rows.push({ kind: 'removed', oldLine: oldLine++, text });
      else rows.push({ kind: 'same', oldLine: oldLine++, newLine: newLine++, text });
    }
  }
  return rows;
}

export interface SideBySideRow {
  left?: DiffRow;
  right?: DiffRow;
}

/** The same diff as two columns: removed lines face the added lines that replace them. */
export function sideBySide(rows: DiffRow[]): SideBySideRow[] {
  const out: SideBySideRow[] = [];
  let removed: DiffRow[] = [];
  let added: DiffRow[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) out.push({ left: removed[i], right: added[i] });
    removed = [];
    added = [];
  };
  for (const row of rows) {
    if (row.kind === 'removed') removed.push(row);
    else if (row.kind === 'added') added.push(row);
    else {
      flush();
      out.push({ left: row, right: row });
    }
  }
  flush();
  return out;
}

/** Only the changed rows and `context` unchanged rows around each change; `null` marks a skipped run. */
export function withContext(rows: DiffRow[], context = 3): (DiffRow | null)[] {
  const keep = rows.map(() => false);
  rows.forEach((row, i) => {
    if (row.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) keep[j] = true;
  });
  const out: (DiffRow | null)[] = [];
  rows.forEach((row, i) => {
    if (keep[i]) out.push(row);
    else if (out.at(-1) !== null) out.push(null);
  });
  return out;
}
