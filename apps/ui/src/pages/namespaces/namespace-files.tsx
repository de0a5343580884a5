import { useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, useApi, type FileAttributes } from '../../api/index.js';
import { CodeView, ConfirmDialog, DataTable, Dialog, EmptyState, ErrorBanner, Loading, formatBytes, formatDate, toast } from '../../components/index.js';
import { breadcrumbs, joinPath, normalizeFolder } from './folder-path.js';

/** Namespace files: browse folders (the folder is in the URL), view, download, upload and delete. */
export function NamespaceFiles({ namespace }: { namespace: string }) {
  const [params, setParams] = useSearchParams();
  const folder = normalizeFolder(params.get('path'));
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/files`;
  const list = useApi((signal) => api.get<FileAttributes[]>(`${base}/directory`, { path: folder }, { signal }), [namespace, folder]);
  const [viewing, setViewing] = useState<string>();
  const [deleting, setDeleting] = useState<FileAttributes>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const open = (path: string) => setParams(path === '/' ? {} : { path });

  const upload = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setBusy(true);
    setError(undefined);
    try {
      for (const file of Array.from(files)) {
        const form = new FormData();
        form.append('fileContent', file, file.name);
        await api.upload(base, form, { query: { path: joinPath(folder, file.name) } });
      }
      toast(`${files.length} file(s) uploaded`, 'success');
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };
  const remove = async () => {
    const target = deleting!;
    setBusy(true);
    try {
      await api.del(base, undefined, { query: { path: joinPath(folder, target.fileName) } });
      toast(`${target.fileName} deleted`, 'success');
      setDeleting(undefined);
      list.reload();
    } catch (e) {
      setError(e);
      setDeleting(undefined);
    } finally {
      setBusy(false);
    }
  };
  const download = (name: string) => {
    api.download(base, { path: joinPath(folder, name) }, name).catch((e: unknown) => setError(e));
  };

  const rows = [...(list.data ?? [])].sort((a, b) => (a.type === b.type ? a.fileName.localeCompare(b.fileName) : a.type === 'Directory' ? -1 : 1));
  return (
    <div className="namespace-files" data-testid="namespace-files">
      <div className="namespace-files__bar">
        <nav aria-label="Folder" className="namespace-files__crumbs">
          {breadcrumbs(folder).map((c, i, all) => (
            <span key={c.path}>
              {i === all.length - 1 ? <strong>{c.name}</strong> : <button type="button" className="btn btn--ghost btn--small" onClick={() => open(c.path)}>{c.name}</button>}
              {i < all.length - 1 && <span className="muted"> / </span>}
            </span>
          ))}
        </nav>
        <span className="spacer" />
        <input ref={fileInput} type="file" multiple hidden onChange={(e) => void upload(e.target.files)} data-testid="namespace-file-input" />
        <button type="button" className="btn btn--primary btn--small" onClick={() => fileInput.current?.click()} disabled={busy} data-testid="namespace-file-upload">
          Upload files here
        </button>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(undefined)} />
      {list.error !== undefined && <ErrorBanner error={list.error} onRetry={list.reload} />}
      {!list.data && list.loading ? (
        <Loading label="Loading files…" />
      ) : (
        list.data && (
          <DataTable
            testId="namespace-file-list"
            rows={rows}
            rowKey={(f) => f.fileName}
            empty={<EmptyState title={folder === '/' ? 'No namespace file yet' : 'This folder is empty'} hint="Upload scripts or data files that the flows of this namespace read (e.g. with namespaceFiles)." />}
            columns={[
              {
                key: 'name',
                header: 'Name',
                render: (f) =>
                  f.type === 'Directory' ? (
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => open(joinPath(folder, f.fileName))}>
                      📁 {f.fileName}/
                    </button>
                  ) : (
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => setViewing(f.fileName)} data-testid="namespace-file-view">
                      {f.fileName}
                    </button>
                  ),
              },
              { key: 'size', header: 'Size', align: 'right', width: '7rem', render: (f) => (f.type === 'Directory' ? '–' : formatBytes(f.size)) },
              { key: 'modified', header: 'Modified', width: '14rem', render: (f) => formatDate(f.lastModifiedTime) },
              {
                key: 'actions',
                header: '',
                align: 'right',
                render: (f) => (
                  <span className="namespace-links">
                    {f.type === 'File' && (
                      <button type="button" className="btn btn--small" onClick={() => download(f.fileName)}>
                        Download
                      </button>
                    )}
                    <button type="button" className="btn btn--small btn--ghost" onClick={() => setDeleting(f)} data-testid="namespace-file-delete">
                      Delete
                    </button>
                  </span>
                ),
              },
            ]}
          />
        )
      )}
      {viewing && <FileDialog base={base} path={joinPath(folder, viewing)} onClose={() => setViewing(undefined)} onDownload={() => download(viewing)} />}
      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete ${deleting?.fileName ?? ''}?`}
        message={deleting?.type === 'Directory' ? 'The folder and everything in it are deleted.' : 'The file is deleted.'}
        confirmLabel="Delete"
        danger
        busy={busy}
        onConfirm={() => void remove()}
        onClose={() => setDeleting(undefined)}
      />
    </div>
  );
}

/** Files larger than this are offered for download only. */
const VIEW_LIMIT = 512 * 1024;

function FileDialog({ base, path, onClose, onDownload }: { base: string; path: string; onClose: () => void; onDownload: () => void }) {
  const content = useApi(
    async (signal) => {
      const stats = await api.get<FileAttributes>(`${base}/stats`, { path }, { signal });
      if (stats.size > VIEW_LIMIT) return undefined;
      return api.get<unknown>(base, { path }, { signal, headers: { Accept: '*/*' } });
    },
    [base, path],
  );
  return (
    <Dialog
      open
      wide
      onClose={onClose}
      title={path}
      testId="namespace-file-dialog"
      footer={
        <button type="button" className="btn" onClick={onDownload}>
          Download
        </button>
      }
    >
      {content.loading && <Loading label="Loading the file…" />}
      <ErrorBanner error={content.error} />
      {!content.loading && content.error === undefined && (content.data === undefined ? <p className="muted">This file is too large to show here; download it.</p> : <CodeView value={content.data} maxHeight="65vh" />)}
    </Dialog>
  );
}
