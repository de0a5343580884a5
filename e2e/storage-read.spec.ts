import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/osprey-cli.js';

/** `read()` in an expression fetches an internal-storage file of the execution's namespace. */
describe('read() of internal storage files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'osprey-read-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders the content of a file written by an earlier task', async () => {
    const file = join(dir, 'read.yaml');
    writeFileSync(
      file,
      `id: read-file\nnamespace: io.osprey.tests\ntasks:\n  - id: write\n    type: io.kestra.plugin.core.storage.Write\n    content: "line one"\n  - id: show\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ read(outputs.write.uri) | upper }}"\n  - id: outside\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ read('kestra:///other/ns/flow/executions/x/file.txt') }}"\n`,
    );
    const result = await runCli(['flow', 'test', file]);
    expect(result.code).toBe(0);
    const execution = JSON.parse(result.stdout).execution as { state: { current: string }; taskRunList: { taskId: string; state: { current: string }; outputs?: Record<string, unknown> }[] };
    const run = (id: string) => execution.taskRunList.find((r) => r.taskId === id)!;
    expect(run('show').outputs).toEqual({ value: 'LINE ONE' });
    // Files of other namespaces are out of reach.
    expect(run('outside').state.current).toBe('FAILED');
    expect(execution.state.current).toBe('FAILED');
  });

  it('kv() reads the key-value store and envs holds the ENV_* variables', async () => {
    const file = join(dir, 'kv.yaml');
    writeFileSync(
      file,
      `id: kv-read\nnamespace: io.osprey.tests\ntasks:\n  - id: set\n    type: io.kestra.plugin.core.kv.Set\n    key: colour\n    value: teal\n  - id: show\n    type: io.kestra.plugin.core.debug.Return\n    format: "{{ kv('colour') }} / {{ kv('absent') ?? 'none' }} / {{ envs.region }}"\n`,
    );
    const result = await runCli(['flow', 'test', file], { env: { ENV_REGION: 'eu-west' } });
    expect(result.code).toBe(0);
    const execution = JSON.parse(result.stdout).execution as { taskRunList: { taskId: string; outputs?: Record<string, unknown> }[] };
    expect(execution.taskRunList.find((r) => r.taskId === 'show')?.outputs).toEqual({ value: 'teal / none / eu-west' });
  });
});
