import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { flowJsonSchema, type JsonSchema } from './flow-json-schema.js';
import { validateFlowValue } from './parse-flow.js';
import { TASK_TYPES } from './task-types.js';
import { TRIGGER_TYPES } from './trigger-types.js';

const schema = flowJsonSchema();
const definitions = schema.definitions as Record<string, JsonSchema>;
// ajv 6 speaks draft-07, the draft monaco-yaml reads.
const ajv = new Ajv({ allErrors: true, schemaId: 'auto' });
const validate = ajv.compile(schema);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

function errorsOf(flow: unknown): string[] {
  return validate(flow) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
}

describe('flowJsonSchema', () => {
  it('is a draft-07 schema that compiles', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof validate).toBe('function');
  });

  it('has one definition per task type, keyed on its type name and aliases', () => {
    const branches = (definitions.task.oneOf as { $ref: string }[]).map((b) => b.$ref);
    expect(branches).toHaveLength(TASK_TYPES.length);
    const log = definitions['io.kestra.plugin.core.log.Log'] as { properties: Record<string, JsonSchema>; required: string[] };
    // The legacy name validates through a pattern, which editors do not offer as a completion.
    expect(log.properties.type.anyOf).toEqual([{ enum: ['io.kestra.plugin.core.log.Log'] }, { pattern: '^(io\\.kestra\\.core\\.tasks\\.log\\.Log)$' }]);
    expect(log.required).toEqual(expect.arrayContaining(['id', 'type', 'message']));
    expect(Object.keys(log.properties)).toEqual(expect.arrayContaining(['level', 'retry', 'timeout', 'errors', 'finally']));
    expect(log.properties.level.anyOf).toContainEqual({ type: 'string', enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] });
  });

  it('leaves out the properties and values Osprey refuses, so the editor flags them too', () => {
    const commands = definitions['io.kestra.plugin.scripts.shell.Commands'] as { properties: Record<string, JsonSchema> };
    expect(Object.keys(commands.properties)).toEqual(expect.arrayContaining(['taskRunner', 'logLevel', 'runner']));
    for (const refused of ['containerImage', 'docker', 'taskCache', 'logToFile']) expect(commands.properties[refused]).toBeUndefined();
    expect(commands.properties.workerGroup).toMatchObject({ type: 'object', required: ['key'], properties: { fallback: { anyOf: [{ type: 'string', enum: ['WAIT', 'FAIL'] }, {}] } } });
    expect(commands.properties.runner!.anyOf).toContainEqual({ type: 'string', enum: ['PROCESS'] });
    expect(errorsOf({ id: 'f', namespace: 'n', listeners: [], tasks: [{ id: 't', type: 'io.kestra.plugin.core.log.Log', message: 'hi' }] })).not.toEqual([]);
  });

  it('nests tasks of flowable types through the task definition', () => {
    const parallel = definitions['io.kestra.plugin.core.flow.Parallel'] as { properties: Record<string, JsonSchema> };
    expect(parallel.properties.tasks).toMatchObject({ type: 'array', items: { $ref: '#/definitions/task' }, minItems: 1 });
    const dag = definitions['io.kestra.plugin.core.flow.Dag'] as { properties: Record<string, JsonSchema> };
    expect(dag.properties.tasks).toMatchObject({ items: { $ref: '#/definitions/dagTask' } });
  });

  it('lists every trigger type and every input type', () => {
    expect((definitions.trigger.oneOf as unknown[]).length).toBe(TRIGGER_TYPES.length);
    expect(definitions['input.SELECT']).toMatchObject({ properties: { values: { type: ['array', 'string'] } } });
  });

  it('accepts every flow of the e2e corpus', () => {
    const dir = join(repoRoot, 'e2e/flows');
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    const failures = files.map((f) => [f, errorsOf(parse(readFileSync(join(dir, f), 'utf8')))] as const).filter(([, errors]) => errors.length > 0);
    expect(failures).toEqual([]);
  });

  it('accepts expressions where a number, boolean or enum is expected', () => {
    const flow = {
      id: 'f',
      namespace: 'company.team',
      tasks: [
        { id: 'p', type: 'io.kestra.plugin.core.flow.Parallel', concurrent: '{{ inputs.n }}', tasks: [{ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'hi', level: '{{ inputs.level }}', allowFailure: 'true' }] },
      ],
    };
    expect(errorsOf(flow)).toEqual([]);
  });

  it('describes SLAs by type: each type requires its own property and refuses the other', () => {
    const withSla = (sla: unknown) => ({ id: 'f', namespace: 'company.team', tasks: [{ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'x' }], sla: [sla] });
    expect(errorsOf(withSla({ id: 's', type: 'MAX_DURATION', behavior: 'FAIL', duration: 'PT1H', labels: { sla: 'miss' } }))).toEqual([]);
    expect(errorsOf(withSla({ id: 's', type: 'EXECUTION_ASSERTION', behavior: 'NONE', assert: '{{ true }}', labels: [{ key: 'a', value: 'b' }] }))).toEqual([]);
    expect(errorsOf(withSla({ id: 's', type: 'MAX_DURATION', behavior: 'FAIL' }))).not.toEqual([]);
    expect(errorsOf(withSla({ id: 's', type: 'EXECUTION_ASSERTION', behavior: 'FAIL', assert: 'x', duration: 'PT1H' }))).not.toEqual([]);
    expect(errorsOf(withSla({ id: 's', type: 'MAX_DURATION', behavior: 'KILL', duration: 'PT1H' }))).not.toEqual([]);
  });

  it('describes the retry, concurrency, output and plugin default maps from their declarations, as the validator reads them', () => {
    const flow = (extra: Record<string, unknown>) => ({ id: 'f', namespace: 'company.team', tasks: [{ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'x' }], ...extra });
    const retry = { type: 'constant', interval: 'PT1S', maxAttempt: 3, behavior: 'CREATE_NEW_EXECUTION' };
    expect(errorsOf(flow({ retry }))).toEqual([]);
    expect(validateFlowValue(flow({ retry }))).toEqual([]);
    expect(errorsOf(flow({ retry: { ...retry, behavior: 'RESTART' } }))).not.toEqual([]);
    expect(errorsOf(flow({ concurrency: { limit: 2, behavior: 'QUEUE' }, outputs: [{ id: 'o', type: 'STRING', value: '{{ 1 }}' }], pluginDefaults: [{ type: 'io.kestra', values: { a: 1 } }] }))).toEqual([]);
    expect(errorsOf(flow({ concurrency: { limit: 2, queue: true } }))).not.toEqual([]);
    expect(errorsOf(flow({ outputs: [{ id: 'o', type: 'TEXT', value: 1 }] }))).not.toEqual([]);
  });

  it('rejects an unknown property of a task type, a missing required property and an unknown type', () => {
    const withTask = (task: unknown) => ({ id: 'f', namespace: 'company.team', tasks: [task] });
    expect(errorsOf(withTask({ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'x', nope: 1 }))).not.toEqual([]);
    expect(errorsOf(withTask({ id: 'l', type: 'io.kestra.plugin.core.log.Log' }))).not.toEqual([]);
    expect(errorsOf(withTask({ id: 'l', type: 'io.kestra.plugin.core.log.Nope', message: 'x' }))).not.toEqual([]);
    expect(errorsOf(withTask({ id: 'l', type: 'io.kestra.core.tasks.log.Log', message: 'x' }))).toEqual([]);
    expect(errorsOf({ id: 'f', namespace: 'company.team', tasks: [] })).not.toEqual([]);
    expect(errorsOf({ id: 'f', namespace: 'company.team', tasks: [{ id: 'l', type: 'io.kestra.plugin.core.log.Log', message: 'x' }], colour: 'red' })).not.toEqual([]);
  });
});
