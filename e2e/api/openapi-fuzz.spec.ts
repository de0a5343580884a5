import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSchemathesis } from '../../scripts/schemathesis.mjs';
import { startDeployment, type Deployment } from '../support/deployment.js';
import { runBounded } from '../support/osprey-cli.js';
import { httpJson } from '../support/osprey-process.js';

/**
 * The OpenAPI document is true: schemathesis (PyPI, pinned in scripts/schemathesis.mjs) generates requests for every
 * operation of `/api/v1/openapi.json` (valid and invalid ones, boundary values, strange path segments) against
 * `osprey server local` with a little data, and every answer must be documented: no 5xx, a declared status, a declared
 * content type, a body that matches its schema.
 *
 * OSPREY_FUZZ_EXAMPLES (default 10) sets the examples per operation and phase; OSPREY_FUZZ_SEED replays a run.
 */

const NS = 'io.osprey.fuzz';
const EXAMPLES = Number(process.env.OSPREY_FUZZ_EXAMPLES ?? 10);
/** The run is killed past this, so the suite stays bounded on a loaded machine; it takes about 5 min on 2 cores (each operation is fuzzed under both path forms). */
const RUN_LIMIT_MS = 10 * 60_000;

// Left out, with the reason: a follow endpoint is a Server-Sent Events stream held open until its execution ends
// (and waits 5 s for an unknown one to appear), which a request-per-example fuzzer can neither bound nor validate;
// e2e/api/executions.spec.ts and logs.spec.ts cover their answers.
const EXCLUDED_PATHS = ['/api/v1/executions/{executionId}/follow', '/api/v1/logs/{executionId}/follow'].flatMap((path) => [path, path.replace('/api/v1/', '/api/v1/{tenant}/')]);
// Kestra endpoints for a feature Osprey does not have answer only 501 naming it, which the not_a_server_error check
// refuses by design; e2e/api/kestra-clients.spec.ts covers those answers.
const NOT_SUPPORTED_PATHS = '/executions/(\\{executionId\\}/(actions/)?)?(pause|change-status)(/by-ids|/by-query)?$';

const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

interface RunReport {
  running_time: number;
  stop_reason: string;
  operations: { selected: number; tested: number; errored: number };
  test_cases: { generated: number; with_failures: number; unique_failures: number; errored: number };
  failures: { code: string; title: string; count: number; operations: string[] }[];
  errors: unknown[];
}

const FLOW = `id: hello
namespace: ${NS}
labels:
  team: fuzz
inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: hello {{ inputs.name }}
  - id: answer
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.name }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: fuzz-key
  - id: yearly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 1 1 *"
`;

describe('OpenAPI document against schemathesis', () => {
  let deployment: Deployment;
  let schemathesis: string[];
  let workDir: string;

  beforeAll(async () => {
    schemathesis = ensureSchemathesis({ log: (message) => process.stdout.write(`[schemathesis] ${message}\n`) });
    workDir = mkdtempSync(join(tmpdir(), 'osprey-fuzz-'));
    // A Kestra operation Osprey does not serve answers 501 naming it by design (docs/api.md), also when the fuzzer sends
    // another method to a documented path that is such an operation (PATCH /flows/{namespace}/{id}/{taskId}).
    writeFileSync(join(workDir, 'schemathesis.toml'), '[checks.not_a_server_error]\nexpected-statuses = ["2xx", "3xx", "4xx", "501"]\n');
    deployment = await startDeployment('local');
    // A little of everything, so that operations reach past their 404s.
    const api = `${deployment.api}/api/v1`;
    expect((await httpJson(`${api}/flows`, { method: 'POST', headers: { 'Content-Type': 'application/x-yaml' }, body: FLOW })).status).toBe(200);
    expect((await httpJson(`${api}/executions/${NS}/hello?wait=true`, { method: 'POST' })).status).toBe(200);
    expect((await httpJson(`${api}/namespaces/${NS}/kv/greeting`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '"hi"' })).status).toBe(200);
    const form = new FormData();
    form.append('fileContent', new Blob(['print("hi")\n']), 'main.py');
    expect((await httpJson(`${api}/namespaces/${NS}/files?path=/scripts/main.py`, { method: 'POST', body: form })).status).toBe(200);
  }, 5 * 60_000);

  afterAll(async () => {
    await deployment?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('answers every documented operation as documented: no server error, declared statuses, content types and schemas', async () => {
    const reportPath = join(workDir, 'report.json');
    const args = [
      'run',
      `${deployment.api}/api/v1/openapi.json`,
      '--checks', CHECKS.join(','),
      '--phases', 'coverage,fuzzing',
      '--max-examples', String(EXAMPLES),
      '--continue-on-failure',
      // One worker: two in parallel made schemathesis itself fail now and then (a hypothesis SystemError under Python
      // 3.11) and raced its own requests on shared state (a query's trigger deleted meanwhile), read as flaky results.
      '--workers', '1',
      '--request-timeout', '30',
      '--generation-database', 'none',
      '--no-color',
      '--report', 'json',
      '--report-json-path', reportPath,
      ...EXCLUDED_PATHS.flatMap((path) => ['--exclude-path', path]),
      '--exclude-path-regex', NOT_SUPPORTED_PATHS,
      ...(process.env.OSPREY_FUZZ_SEED ? ['--seed', process.env.OSPREY_FUZZ_SEED] : []),
    ];
    const run = await runBounded([...schemathesis, ...args], RUN_LIMIT_MS, workDir);
    if (run.timedOut) throw new Error(`schemathesis did not finish within ${RUN_LIMIT_MS / 1000} s; its output:\n${run.output.slice(-5000)}`);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as RunReport;
    // From the text: the report's seed is a 128-bit integer, which JSON.parse would round.
    const seed = /^Seed: (\d+)/m.exec(run.output)?.[1] ?? 'unknown';
    process.stdout.write(
      `schemathesis: ${report.operations.tested}/${report.operations.selected} operations, ${report.test_cases.generated} test cases, ` +
        `${report.test_cases.unique_failures} failures, ${report.errors.length} errors in ${report.running_time.toFixed(0)} s (seed ${seed})\n`,
    );
    const failures = report.failures.flatMap((f) => f.operations.map((operation) => `${f.code} ${f.title}: ${operation}`));
    if (failures.length > 0 || report.errors.length > 0 || run.code !== 0) {
      // The FAILURES section holds each failing request as a curl command and the answer it got; ERRORS, what broke.
      const section = run.output.search(/=+ (FAILURES|ERRORS) =+/);
      const details = run.output.slice(Math.max(section, 0));
      throw new Error(`schemathesis exited with ${run.code}: ${failures.length} failures, ${report.errors.length} errors (replay with OSPREY_FUZZ_SEED=${seed})\n${failures.join('\n')}\n\n${details.slice(0, 20_000)}`);
    }
    expect(report.operations.tested).toBe(report.operations.selected);
    expect(report.operations.selected).toBeGreaterThan(60);
  }, RUN_LIMIT_MS + 60_000);
});
