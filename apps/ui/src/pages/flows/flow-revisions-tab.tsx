import { useMemo, useState } from 'react';
import { api, useApi, type Flow } from '../../api/index.js';
import { CodeView, ConfirmDialog, EmptyState, ErrorBanner, Loading, TimeAgo, toast } from '../../components/index.js';
import { diffRows, sideBySide, withContext, type DiffRow } from './revision-diff.js';

/** Every revision of the flow, and a diff of any two (unified or side by side); an old one can be restored. */
export function FlowRevisionsTab({ flow, onRestored }: { flow: Flow; onRestored: () => void }) {
  const revisions = useApi((signal) => api.get<Flow[]>(`/api/v1/flows/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}/revisions`, undefined, { signal }), [flow.namespace, flow.id, flow.revision]);
  const list = revisions.data ?? [];
  const latest = list.at(-1)?.revision;
  const [left, setLeft] = useState<number>();
  const [right, setRight] = useState<number>();
  const [mode, setMode] = useState<'unified' | 'split'>('unified');
  const [full, setFull] = useState(false);
  const [restore, setRestore] = useState<Flow>();
  const [busy, setBusy] = useState(false);

  const leftRev = left ?? (list.length > 1 ? list.at(-2)!.revision : latest);
  const rightRev = right ?? latest;
  const a = list.find((r) => r.revision === leftRev);
  const b = list.find((r) => r.revision === rightRev);
  const rows = useMemo(() => (a && b ? diffRows(a.source ?? '', b.source ?? '') : []), [a, b]);
  const changes = rows.filter((r) => r.kind !== 'same').length;

  if (revisions.loading && !revisions.data) return <Loading />;
  if (revisions.error) return <ErrorBanner error={revisions.error} onRetry={revisions.reload} />;
  if (list.length === 0) return <EmptyState title="No revisions" />;
  if (list.length === 1) {
    return (
      <div data-testid="flow-revisions">
        <EmptyState title="Only one revision so far" hint="Each save that changes the source adds a revision; then you can compare any two here." />
        <CodeView value={list[0]!.source ?? ''} language="yaml" maxHeight="50vh" />
      </div>
    );
  }

  const doRestore = async () => {
    if (!restore?.source) return;
    setBusy(true);
    try {
      const saved = await api.yaml<Flow>('PUT', `/api/v1/flows/${encodeURIComponent(flow.namespace)}/${encodeURIComponent(flow.id)}`, restore.source);
      toast(`Revision ${restore.revision} restored as revision ${saved.revision}`, 'success');
      setRestore(undefined);
      setLeft(undefined);
      setRight(undefined);
      onRestored();
    } catch (e) {
      toast(`Not restored: ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const picker = (label: string, value: number | undefined, set: (v: number) => void, testId: string) => (
    <label className="filter">
      <span className="filter__label">{label}</span>
      <select value={value} onChange={(e) => set(Number(e.target.value))} data-testid={testId}>
        {[...list].reverse().map((r) => (
          <option key={r.revision} value={r.revision}>
            Revision {r.revision}
            {r.revision === latest ? ' (latest)' : ''}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="revisions" data-testid="flow-revisions">
      <aside className="revisions__list card">
        <h2 className="card__title">Revisions</h2>
        <ol reversed>
          {[...list].reverse().map((r) => (
            <li key={r.revision} className={r.revision === rightRev || r.revision === leftRev ? 'revisions__item revisions__item--on' : 'revisions__item'}>
              <button type="button" className="link-button" onClick={() => setRight(r.revision)}>
                Revision {r.revision}
              </button>
              <span className="muted"> <TimeAgo date={r.updated} /></span>
              {r.revision !== latest && r.source && (
                <button type="button" className="btn btn--small btn--ghost" onClick={() => setRestore(r)} data-testid={`restore-${r.revision}`}>
                  Restore
                </button>
              )}
            </li>
          ))}
        </ol>
      </aside>
      <section className="revisions__diff">
        <div className="filters-bar">
          {picker('From', leftRev, setLeft, 'revision-left')}
          {picker('To', rightRev, setRight, 'revision-right')}
          <div className="segmented" role="radiogroup" aria-label="Diff layout">
            <button type="button" role="radio" aria-checked={mode === 'unified'} className={mode === 'unified' ? 'segmented__item segmented__item--on' : 'segmented__item'} onClick={() => setMode('unified')}>
              Unified
            </button>
            <button type="button" role="radio" aria-checked={mode === 'split'} className={mode === 'split' ? 'segmented__item segmented__item--on' : 'segmented__item'} onClick={() => setMode('split')}>
              Side by side
            </button>
          </div>
          <label className="field--inline">
            <input type="checkbox" checked={full} onChange={(e) => setFull(e.target.checked)} /> Whole file
          </label>
          <span className="muted">{changes === 0 ? 'No differences' : `${changes} changed line${changes > 1 ? 's' : ''}`}</span>
        </div>
        {mode === 'unified' ? <UnifiedDiff rows={full || changes === 0 ? rows : withContext(rows)} /> : <SplitDiff rows={full || changes === 0 ? rows : withContext(rows)} />}
      </section>
      <ConfirmDialog
        open={!!restore}
        title={`Restore revision ${restore?.revision}?`}
        message="Its source is saved as a new revision of this flow; the history is kept."
        confirmLabel="Restore"
        busy={busy}
        onConfirm={() => void doRestore()}
        onClose={() => setRestore(undefined)}
      />
    </div>
  );
}

function UnifiedDiff({ rows }: { rows: (DiffRow | null)[] }) {
  return (
    <div className="diff" data-testid="revision-diff">
      <table>
        <tbody>
          {rows.map((row, i) =>
            row === null ? (
              <tr key={i} className="diff__skip">
                <td colSpan={3}>⋯</td>
              </tr>
            ) : (
              <tr key={i} className={`diff__row diff__row--${row.kind}`}>
                <td className="diff__num">{row.oldLine ?? ''}</td>
                <td className="diff__num">{row.newLine ?? ''}</td>
                <td className="diff__text">
                  <span className="diff__sign">{row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : ' '}</span>
                  {row.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function SplitDiff({ rows }: { rows: (DiffRow | null)[] }) {
  // Runs between skips are paired on their own, so a skip marker stays where it was.
  const groups: (DiffRow[] | null)[] = [];
  for (const row of rows) {
    if (row === null) groups.push(null);
    else if (Array.isArray(groups.at(-1))) (groups.at(-1) as DiffRow[]).push(row);
    else groups.push([row]);
  }
  return (
    <div className="diff diff--split" data-testid="revision-diff">
      <table>
        <colgroup>
          <col className="diff__num-col" />
          <col />
          <col className="diff__num-col" />
          <col />
        </colgroup>
        <tbody>
          {groups.flatMap((group, g) =>
            group === null
              ? [
                  <tr key={`s${g}`} className="diff__skip">
                    <td colSpan={4}>⋯</td>
                  </tr>,
                ]
              : sideBySide(group).map((pair, i) => (
                  <tr key={`${g}:${i}`}>
                    <td className="diff__num">{pair.left?.oldLine ?? ''}</td>
                    <td className={`diff__text diff__row--${pair.left ? (pair.left.kind === 'same' ? 'same' : 'removed') : 'empty'}`}>{pair.left?.text ?? ''}</td>
                    <td className="diff__num">{pair.right?.newLine ?? ''}</td>
                    <td className={`diff__text diff__row--${pair.right ? (pair.right.kind === 'same' ? 'same' : 'added') : 'empty'}`}>{pair.right?.text ?? ''}</td>
                  </tr>
                )),
          )}
        </tbody>
      </table>
    </div>
  );
}
