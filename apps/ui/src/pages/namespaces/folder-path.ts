/** Paths of the namespace file browser: folders as `/a/b`, the root as `/`. */

export function normalizeFolder(path: string | null | undefined): string {
  const parts = (path ?? '').split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

export function joinPath(folder: string, name: string): string {
  const base = normalizeFolder(folder);
  return base === '/' ? `/${name}` : `${base}/${name}`;
}

/** Each folder from the root down to `folder`, for the breadcrumbs. */
export function breadcrumbs(folder: string): { name: string; path: string }[] {
  const parts = normalizeFolder(folder).split('/').filter(Boolean);
  return [{ name: 'root', path: '/' }, ...parts.map((name, i) => ({ name, path: `/${parts.slice(0, i + 1).join('/')}` }))];
}
