import { useState } from 'react';
import { api, useApi } from '../../api/index.js';
import { CodeView, Dialog, ErrorBanner, Loading, toast } from '../../components/index.js';
import { executionFilePaths, isStorageUri, storageFileName } from './storage-uri.js';

/** A JSON value as an expandable tree; `kestra:///` file URIs get Preview and Download buttons. */
export function OutputsView({ value, executionId, emptyText = 'Nothing to show.', testId }: { value: unknown; executionId: string; emptyText?: string; testId?: string }) {
  const [preview, setPreview] = useState<string>();
  const empty = value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
  return (
    <div className="json-tree" data-testid={testId}>
      {empty ? <p className="muted">{emptyText}</p> : <JsonNode value={value} depth={0} onPreview={setPreview} executionId={executionId} />}
      {preview && <FilePreviewDialog executionId={executionId} uri={preview} onClose={() => setPreview(undefined)} />}
    </div>
  );
}

function JsonNode({ name, value, depth, onPreview, executionId }: { name?: string; value: unknown; depth: number; onPreview: (uri: string) => void; executionId: string }) {
  const [open, setOpen] = useState(depth < 2);
  const label = name !== undefined ? <span className="json-tree__key">{name}</span> : null;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return (
      <div className="json-tree__node">
        <button type="button" className="json-tree__toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {label}
          <span className="muted">{Array.isArray(value) ? ` [${entries.length}]` : ` {${entries.length}}`}</span>
        </button>
        {open && (
          <div className="json-tree__children">
            {entries.map(([k, v]) => (
              <JsonNode key={k} name={k} value={v} depth={depth + 1} onPreview={onPreview} executionId={executionId} />
            ))}
          </div>
        )}
      </div>
    );
  }
  return (
    <div className="json-tree__leaf">
      {label}
      {label && <span className="json-tree__colon">: </span>}
      <JsonScalar value={value} onPreview={onPreview} executionId={executionId} />
    </div>
  );
}

function JsonScalar({ value, onPreview, executionId }: { value: unknown; onPreview: (uri: string) => void; executionId: string }) {
  if (isStorageUri(value)) {
    const download = () => {
      api.download(executionFilePaths(executionId).download, { path: value }, storageFileName(value)).catch((e: unknown) => toast(`Download failed: ${e instanceof Error ? e.message : String(e)}`, 'error'));
    };
    return (
      <span className="json-tree__file">
        <code title={value}>{value}</code>
        <button type="button" className="btn btn--small" onClick={() => onPreview(value)} data-testid="file-preview">
          Preview
        </button>
        <button type="button" className="btn btn--small" onClick={download} data-testid="file-download">
          Download
        </button>
      </span>
    );
  }
  const kind = value === null ? 'null' : typeof value;
  return <span className={`json-tree__value json-tree__value--${kind}`}>{typeof value === 'string' ? JSON.stringify(value) : String(value)}</span>;
}

function FilePreviewDialog({ executionId, uri, onClose }: { executionId: string; uri: string; onClose: () => void }) {
  const state = useApi((signal) => api.get<{ content: string }>(executionFilePaths(executionId).preview, { path: uri, maxRows: 200 }, { signal }), [executionId, uri]);
  return (
    <Dialog open onClose={onClose} title={storageFileName(uri)} wide testId="file-preview-dialog">
      {state.loading && <Loading label="Loading the preview…" />}
      {state.error !== undefined && <ErrorBanner error={state.error} />}
      {state.data !== undefined && (state.data.content === '' ? <p className="muted">The file is empty.</p> : <CodeView value={state.data.content} maxHeight="60vh" />)}
      <p className="muted small">First 200 lines of {uri}</p>
    </Dialog>
  );
}
