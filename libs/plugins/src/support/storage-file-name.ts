import { randomUUID } from 'node:crypto';

/** A fresh file name for internal storage, with `extension` given as `.txt` or `txt` (Kestra's default `.tmp`). */
export function storageFileName(extension: string | undefined): string {
  const trimmed = extension?.trim();
  const suffix = !trimmed ? '.tmp' : trimmed.startsWith('.') ? trimmed : `.${trimmed}`;
  if (suffix.includes('/') || suffix.includes('\\')) throw new Error(`invalid file extension '${extension}'`);
  return `${randomUUID()}${suffix}`;
}
