import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';
import { s3TestServer, testBucketName } from '@osprey/storage/testing';
import { httpJson, OspreyProcess } from '../support/osprey-process.js';

/** `osprey server local` with `storage.type: s3` on the test S3 server: task files go to the bucket and back. */
interface ExecutionView {
  id: string;
  state: { current: string };
  taskRunList: { taskId: string; state: { current: string }; outputs?: Record<string, unknown> }[];
}

const FLOW = `id: s3-roundtrip
namespace: io.osprey.e2e
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    content: "stored in S3: {{ execution.id }}"
    extension: .txt
  - id: read
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.write.uri) }}"
`;

describe('osprey server local on S3 storage', () => {
  const s3 = s3TestServer();
  const bucket = testBucketName('e2e');
  const endpoint = new URL(s3.endpoint);
  const raw = new Client({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, pathStyle: true, region: 'us-east-1', accessKey: s3.accessKey, secretKey: s3.secretKey });
  const dataDir = mkdtempSync(join(tmpdir(), 'osprey-s3-e2e-'));
  let server: OspreyProcess;
  let api: string;

  beforeAll(async () => {
    const config = join(dataDir, 'osprey.yaml');
    // The secret key comes from the environment, as an operator keeps it out of the file.
    writeFileSync(config, `storage:\n  type: s3\n  bucket: ${bucket}\n  endpoint: ${s3.endpoint}\n  accessKey: ${s3.accessKey}\n  prefix: osprey/e2e\n`);
    server = new OspreyProcess('server', ['server', 'local', '--port', '0', '--data-dir', dataDir, '--config', config], { OSPREY_STORAGE_SECRET_KEY: s3.secretKey });
    api = String((await server.waitForLog(/listening on/)).url);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (await raw.bucketExists(bucket)) {
      const names: string[] = [];
      for await (const item of raw.listObjectsV2(bucket, '', true)) if ((item as { name?: string }).name) names.push((item as { name: string }).name);
      if (names.length > 0) await raw.removeObjects(bucket, names);
      await raw.removeBucket(bucket);
    }
  });

  it('creates the bucket at start and reports ready', async () => {
    expect(await raw.bucketExists(bucket)).toBe(true);
    expect((await httpJson(`${api}/health/ready`)).status).toBe(200);
  });

  it('writes a task file to the bucket and reads it back in a later task', async () => {
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(deployed.status).toBeLessThan(300);
    const run = await httpJson<ExecutionView>(`${api}/api/v1/executions/io.osprey.e2e/s3-roundtrip?wait=true`, { method: 'POST' });
    expect(run.body.state.current).toBe('SUCCESS');
    const uri = String(run.body.taskRunList.find((r) => r.taskId === 'write')?.outputs?.uri);
    expect(uri).toMatch(/^kestra:\/\/\/io\/osprey\/e2e\/s3-roundtrip\/executions\/.+\.txt$/);
    expect(run.body.taskRunList.find((r) => r.taskId === 'read')?.outputs).toEqual({ value: `stored in S3: ${run.body.id}` });

    // The object is in the bucket under the configured prefix, and nothing went to the local folder.
    const key = `osprey/e2e/${uri.slice('kestra:///'.length)}`;
    const stat = await raw.statObject(bucket, key);
    expect(stat.size).toBe(Buffer.byteLength(`stored in S3: ${run.body.id}`));
    let content = '';
    for await (const chunk of await raw.getObject(bucket, key)) content += (chunk as Buffer).toString();
    expect(content).toBe(`stored in S3: ${run.body.id}`);
    expect(existsSync(join(dataDir, 'storage'))).toBe(false);
  });
});
