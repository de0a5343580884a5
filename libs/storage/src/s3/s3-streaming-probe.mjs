// Child process of s3-storage-streaming.contract.spec.ts: moves SIZE_MIB MiB through the built S3 storage with a
// clean heap of its own (a jest worker's leftovers would blur the RSS baseline), prints one JSON line.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { openS3Storage } from '../../dist/s3/index.js';

const MiB = 1024 * 1024;
const sizeMib = Number(process.env.SIZE_MIB);
const uri = 'kestra:///big/ns/flow/executions/e1/big.bin';

/** Chunks of 1 MiB made on demand while hashing them: the payload never exists whole. */
function generated(count, hash) {
  let i = 0;
  return new Readable({
    highWaterMark: MiB,
    read() {
      if (i === count) return void this.push(null);
      const chunk = Buffer.alloc(MiB, (i * 7 + 13) % 251);
      chunk.writeUInt32BE(i++, 0);
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

function peakRss() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

const storage = await openS3Storage({
  endpoint: process.env.OSPREY_TEST_S3_ENDPOINT,
  accessKey: process.env.OSPREY_TEST_S3_ACCESS_KEY,
  secretKey: process.env.OSPREY_TEST_S3_SECRET_KEY,
  bucket: process.env.BUCKET,
});
try {
  // Warm up the connection and the code paths so the baseline includes them.
  await storage.put('kestra:///big/warm-up', 'x');
  for await (const chunk of await storage.get('kestra:///big/warm-up')) void chunk;
  const baseline = process.memoryUsage.rss();

  const sent = createHash('sha256');
  const stopUpload = peakRss();
  const t0 = Date.now();
  const info = await storage.put(uri, generated(sizeMib, sent));
  const uploadMs = Date.now() - t0;
  const uploadPeak = stopUpload();

  const received = createHash('sha256');
  let size = 0;
  const stopDownload = peakRss();
  const t1 = Date.now();
  for await (const chunk of await storage.get(uri)) {
    received.update(chunk);
    size += chunk.length;
  }
  const downloadMs = Date.now() - t1;
  const downloadPeak = stopDownload();

  process.stdout.write(
    JSON.stringify({ baseline, uploadMs, uploadPeak, downloadMs, downloadPeak, storedSize: info.size, size, sent: sent.digest('hex'), received: received.digest('hex') }) + '\n',
  );
} finally {
  await storage.deletePrefix('kestra:///big');
  await storage.close();
}
