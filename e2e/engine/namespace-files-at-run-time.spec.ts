import { startDeployment, type Deployment } from '../support/deployment.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * Namespace files and the KV store at run time, with the executor and the worker in separate processes: read() and
 * fileSize() of namespace files on the worker, namespaceFiles on a script task, kv() in an If condition and in the
 * flow outputs the executor renders.
 */
const NS = 'io.osprey.nsrun';

const FLOW = `id: nsfiles
namespace: ${NS}
tasks:
  - id: gate
    type: io.kestra.plugin.core.flow.If
    condition: "{{ kv('enabled') }}"
    then:
      - id: show
        type: io.kestra.plugin.core.debug.Return
        format: "{{ read('conf/greeting.txt') }} {{ fileSize(fileURI('conf/greeting.txt')) }} {{ fileExists('missing.txt') }}"
      - id: script
        type: io.kestra.plugin.scripts.shell.Commands
        namespaceFiles:
          include:
            - scripts/**
        commands:
          - sh scripts/hello.sh
          - test ! -e conf/greeting.txt
    else:
      - id: skipped
        type: io.kestra.plugin.core.debug.Return
        format: not taken
outputs:
  - id: mode
    type: STRING
    value: "{{ kv('mode') }}"
`;

interface RunView {
  state: { current: string };
  outputs?: Record<string, unknown>;
  taskRunList: { taskId: string; state: { current: string }; outputs?: Record<string, unknown> }[];
}

describe('namespace files and kv() at run time (split topology)', () => {
  let deployment: Deployment;
  let api: string;

  beforeAll(async () => {
    deployment = await startDeployment('split');
    api = deployment.api;
  }, 120_000);
  afterAll(async () => {
    await deployment?.stop();
  });

  const upload = async (path: string, content: string) => {
    const form = new FormData();
    form.append('fileContent', new Blob([content]), 'upload.bin');
    const response = await httpJson(`${api}/api/v1/namespaces/${NS}/files?path=${encodeURIComponent(path)}`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
  };
  const putKv = async (key: string, json: string) => {
    const response = await httpJson(`${api}/api/v1/namespaces/${NS}/kv/${key}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: json });
    expect(response.status).toBe(200);
  };

  it('runs a flow that reads namespace files, copies them for a script and branches on kv()', async () => {
    await upload('conf/greeting.txt', 'hello');
    await upload('scripts/hello.sh', `echo '::{"outputs":{"said":"from a namespace file"}}::'\n`);
    await putKv('enabled', 'true');
    await putKv('mode', '"fast"');
    const deployed = await httpJson(`${api}/api/v1/flows`, { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: FLOW });
    expect(deployed.status).toBe(200);

    const run = await httpJson<RunView>(`${api}/api/v1/executions/${NS}/nsfiles?wait=true`, { method: 'POST' });
    expect(run.status).toBe(200);
    const byId = (id: string) => run.body.taskRunList.find((r) => r.taskId === id);
    expect(run.body.state.current).toBe('SUCCESS');
    expect(byId('skipped')).toBeUndefined();
    expect(byId('show')?.outputs).toEqual({ value: 'hello 5 false' });
    expect(byId('script')?.outputs?.['vars']).toEqual({ said: 'from a namespace file' });
    expect(run.body.outputs).toEqual({ mode: 'fast' });
  }, 120_000);
});
