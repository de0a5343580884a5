import yauzl from 'yauzl';

/** The entries of a ZIP archive answered by the API, as text by name. */
export async function zipEntries(bytes: Buffer): Promise<Record<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const entries: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          entries[entry.fileName] = Buffer.concat(chunks).toString('utf8');
          zip.readEntry();
        });
      }),
    );
    zip.readEntry();
  });
  return entries;
}
