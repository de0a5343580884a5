import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import type { StoredFlow } from '@osprey/flow-model';

/** A flow source read from an upload, named after its file (and document index in a multi-document file). */
export interface FlowSourceFile {
  name: string;
  source: string;
  /** Line of the whole file the source starts on (multi-document YAML). */
  firstLine?: number;
}

/** Kestra's export: a ZIP of `<namespace>.<id>.yml` sources, streamed as it is built. */
export function writeFlowArchive(flows: StoredFlow[]): Readable {
  const out = new PassThrough();
  // archiver and its dependencies are loaded by the first export, not by every process at start.
  import('archiver').then(
    ({ ZipArchive }) => {
      const archive = new ZipArchive({ zlib: { level: 6 } });
      archive.on('error', (error) => out.destroy(error));
      archive.pipe(out);
      for (const flow of flows) archive.append(flow.source, { name: `${flow.namespace}.${flow.id}.yml` });
      void archive.finalize();
    },
    (error: unknown) => out.destroy(error as Error),
  );
  return out;
}

export interface ArchiveLimits {
  /** Total uncompressed bytes accepted, so a small archive cannot inflate into a huge one. */
  maxBytes: number;
  maxEntries?: number;
}

/** Reads the `.yml`/`.yaml` files of a ZIP archive (other files and folders are skipped). */
export async function readFlowArchive(path: string, limits: ArchiveLimits): Promise<FlowSourceFile[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (error, file) =>
      error ? reject(new InvalidArgumentError('fileUpload', `not a readable ZIP archive: ${error.message}`)) : resolve(file),
    ),
  );
  const maxEntries = limits.maxEntries ?? 10_000;
  const files: FlowSourceFile[] = [];
  let total = 0;
  let entries = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) => reject(new InvalidArgumentError('fileUpload', `broken ZIP archive: ${error.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (++entries > maxEntries) return reject(new InvalidArgumentError('fileUpload', `the archive holds more than ${maxEntries} entries`));
        if (entry.fileName.endsWith('/') || !/\.ya?ml$/i.test(entry.fileName)) return zip.readEntry();
        total += entry.uncompressedSize;
        if (total > limits.maxBytes) return reject(new InvalidArgumentError('fileUpload', `the archive inflates to more than ${limits.maxBytes} bytes`));
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(new InvalidArgumentError('fileUpload', `cannot read ${entry.fileName}: ${error.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', (streamError: Error) => reject(new InvalidArgumentError('fileUpload', `cannot read ${entry.fileName}: ${streamError.message}`)));
          stream.on('end', () => {
            files.push({ name: entry.fileName, source: Buffer.concat(chunks).toString('utf8') });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return files;
}
