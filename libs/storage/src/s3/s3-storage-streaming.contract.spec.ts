import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'minio';
import { s3TestServer, testBucketName } from '../testing/s3-test-server.js';

const MiB = 1024 * 1024;
/** 1 GiB by default; OSPREY_TEST_S3_STREAM_MIB makes it smaller or larger. */
const SIZE_MIB = Number(process.env.OSPREY_TEST_S3_STREAM_MIB ?? 1024);
/**
 * RSS growth allowed over the baseline, whatever the file size: the parts in flight (16 MiB × 3 by default) plus
 * the garbage V8 has not collected yet (Node 24 collects later than 20: +145 to +176 MiB seen for 1 GiB, +114 on
 * Node 20). Buffering the file would grow by the whole file, four times this bound at the default 1 GiB.
 */
const MAX_GROWTH = 256 * MiB;

const here = dirname(fileURLToPath(import.meta.url));
const libRoot = resolve(here, '../..');
const repoRoot = resolve(libRoot, '../..');

interface ProbeResult {
  baseline: number;
  uploadMs: number;
  uploadPeak: number;
  downloadMs: number;
  downloadPeak: number;
  storedSize: number;
  size: number;
  sent: string;
  received: string;
}

/** Runs the probe in its own process: the RSS of a jest worker carries other suites' garbage. */
function runProbe(env: NodeJS.ProcessEnv): Promise<ProbeResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(here, 's3-streaming-probe.mjs')], { env: { ...process.env, ...env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult) : fail(new Error(`probe exited with ${code}: ${stderr}`))));
  });
}

describe('S3Storage streaming', () => {
  const server = s3TestServer();
  const bucket = testBucketName('stream');

  beforeAll(() => {
    // The probe imports the built lib: bring dist up to date with these sources (incremental, quick when fresh).
    const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', libRoot], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`tsc -b libs/storage failed: ${build.stdout}${build.stderr}`);
  }, 120_000);

  afterAll(async () => {
    const endpoint = new URL(server.endpoint);
    const raw = new Client({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, pathStyle: true, region: 'us-east-1', ...server });
    if (await raw.bucketExists(bucket)) await raw.removeBucket(bucket);
  });

  it(`moves a ${SIZE_MIB} MiB file through put and get with flat memory`, async () => {
    const result = await runProbe({ SIZE_MIB: String(SIZE_MIB), BUCKET: bucket });
    process.stderr.write(
      `S3 streaming of ${SIZE_MIB} MiB: upload ${(result.uploadMs / 1000).toFixed(1)} s (peak RSS +${((result.uploadPeak - result.baseline) / MiB).toFixed(0)} MiB), ` +
        `download ${(result.downloadMs / 1000).toFixed(1)} s (peak RSS +${((result.downloadPeak - result.baseline) / MiB).toFixed(0)} MiB), baseline ${(result.baseline / MiB).toFixed(0)} MiB\n`,
    );
    expect(result.storedSize).toBe(SIZE_MIB * MiB);
    expect(result.size).toBe(SIZE_MIB * MiB);
    expect(result.received).toBe(result.sent);
    expect(result.uploadPeak - result.baseline).toBeLessThan(MAX_GROWTH);
    expect(result.downloadPeak - result.baseline).toBeLessThan(MAX_GROWTH);
  }, 180_000);
});
