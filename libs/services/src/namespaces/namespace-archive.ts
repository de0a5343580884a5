import { PassThrough, type Readable } from 'node:stream';
import type { StoredFlow } from '@osprey/flow-model';
import type { NamespaceFiles } from './namespace-files.js';

/**
 * Kestra's namespace export: a ZIP of the namespace's files (paths relative to its root) and of its flows as
 * `_flows/<id>.yml`, streamed as it is built; files are opened one at a time.
 */
export function writeNamespaceArchive(files: NamespaceFiles, namespace: string, flows: StoredFlow[]): Readable {
  const out = new PassThrough();
  const build = async () => {
    // archiver and its dependencies are loaded by the first export, not by every process at start.
    const { ZipArchive } = await import('archiver');
    const archive = new ZipArchive({ zlib: { level: 6 } });
    archive.on('error', (error) => out.destroy(error));
    archive.pipe(out);
    for (const path of await files.listAll(namespace)) {
      const added = new Promise((resolve) => archive.once('entry', resolve));
      archive.append(await files.get(namespace, path), { name: path });
      await added;
    }
    for (const flow of flows) archive.append(flow.source, { name: `_flows/${flow.id}.yml` });
    await archive.finalize();
  };
  build().catch((error: unknown) => out.destroy(error as Error));
  return out;
}
