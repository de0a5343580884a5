import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { openS3Storage, type S3Storage } from './s3-storage.js';
import { s3TestServer, testBucketName } from './s3-test-server.js';

const MiB = 1024 * 1024;
/** 1 GiB by default; OSPREY_TEST_S3_STREAM_MIB makes it smaller or larger. */
const SIZE_MIB = Number(process.env.OSPREY_TEST_S3_STREAM_MIB ?? 1024);
/** RSS growth allowed over the baseline, whatever the file size. */
const MAX_GROWTH = 150 * MiB;

/** `count` chunks of 1 MiB made on demand while hashing them: the payload never exists whole. */
function generated(count: number, hash: ReturnType<typeof createHash>): Readable {
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

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

describe('S3Storage streaming', () => {
  const server = s3TestServer();
  const bucket = testBucketName('stream');
  let storage: S3Storage;

  beforeAll(async () => {
    storage = await openS3Storage({ ...server, bucket });
  });
  afterAll(async () => {
    await storage?.deletePrefix('kestra:///big');
    await storage?.close();
    const endpoint = new URL(server.endpoint);
    const raw = new Client({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, pathStyle: true, region: 'us-east-1', ...server });
    if (await raw.bucketExists(bucket)) await raw.removeBucket(bucket);
  });

  it(`moves a ${SIZE_MIB} MiB file through put and get with flat memory`, async () => {
    const uri = 'kestra:///big/ns/flow/executions/e1/big.bin';
    const baseline = process.memoryUsage.rss();
    const sent = createHash('sha256');
    const upload = peakRss();
    const t0 = Date.now();
    const info = await storage.put(uri, generated(SIZE_MIB, sent));
    const uploadMs = Date.now() - t0;
    const uploadPeak = upload.stop();
    expect(info.size).toBe(SIZE_MIB * MiB);

    const received = createHash('sha256');
    const download = peakRss();
    const t1 = Date.now();
    let size = 0;
    for await (const chunk of await storage.get(uri)) {
      received.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const downloadMs = Date.now() - t1;
    const downloadPeak = download.stop();

    process.stderr.write(
      `S3 streaming of ${SIZE_MIB} MiB: upload ${(uploadMs / 1000).toFixed(1)} s (peak RSS +${((uploadPeak - baseline) / MiB).toFixed(0)} MiB), ` +
        `download ${(downloadMs / 1000).toFixed(1)} s (peak RSS +${((downloadPeak - baseline) / MiB).toFixed(0)} MiB), baseline ${(baseline / MiB).toFixed(0)} MiB\n`,
    );
    expect(size).toBe(SIZE_MIB * MiB);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    expect(uploadPeak - baseline).toBeLessThan(MAX_GROWTH);
    expect(downloadPeak - baseline).toBeLessThan(MAX_GROWTH);
  }, 180_000);
});
