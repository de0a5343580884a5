import type { Label } from '../api/types.js';

/** Labels as `key:value` chips; the API sends a list, flows may hold a map. */
export function LabelsView({ labels, onClick }: { labels: Label[] | Record<string, string> | undefined; onClick?: (label: Label) => void }) {
  const list = toLabelList(labels);
  if (list.length === 0) return null;
  return (
    <span className="labels">
      {list.map((l) =>
        onClick ? (
          <button type="button" key={`${l.key}:${l.value}`} className="label-chip label-chip--button" onClick={() => onClick(l)} title="Filter by this label">
            {l.key}:{l.value}
          </button>
        ) : (
          <span key={`${l.key}:${l.value}`} className="label-chip">
            {l.key}:{l.value}
          </span>
        ),
      )}
    </span>
  );
}

export function toLabelList(labels: Label[] | Record<string, string> | undefined): Label[] {
  if (!labels) return [];
  if (Array.isArray(labels)) return labels;
  return Object.entries(labels).map(([key, value]) => ({ key, value: String(value) }));
}
