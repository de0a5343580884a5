import { describe, expect, it } from '@jest/globals';
import { HTTP_REQUEST_TASK, KV_SET_TASK, LOG_TASK } from '@osprey/flow-model';
import { taskContexts } from '../testing/task-contexts.fixture.js';
import { TaskPropertyError } from './task-errors.js';
import { TaskProperties } from './task-properties.js';

const { context } = taskContexts({ id: 't', type: 'io.kestra.plugin.core.kv.Set' });

// The worker reads a task through its type's schema, so a flow stored before a rule existed fails naming the property.
describe('TaskProperties', () => {
  it('reads the declared properties, rendered and converted', async () => {
    const properties = new TaskProperties(await context({ key: '{{ inputs.k }}', value: 1, ttl: 'PT1M', overwrite: 'false' }, { inputs: { k: 'a' } }), KV_SET_TASK);
    expect(await properties.string('key')).toBe('a');
    expect(await properties.duration('ttl')).toBe(60_000);
    expect(await properties.boolean('overwrite', true)).toBe(false);
    expect(properties.raw('value')).toBe(1);
  });

  it('types each property as its type declares it, and no other name (checked by the compiler)', async () => {
    const properties = new TaskProperties(await context({ key: 'k', value: { a: 1 } }), KV_SET_TASK);
    const key: string = await properties.string('key'); // required: never undefined
    const namespace: string | undefined = await properties.string('namespace');
    expect([key, namespace]).toEqual(['k', undefined]);
    // @ts-expect-error kv.Set declares no property 'keys'
    expect(properties.raw('keys')).toBeUndefined();
  });

  it('counts a null value as absent', async () => {
    const properties = new TaskProperties(await context({ key: 'k', value: 'v', namespace: null }), KV_SET_TASK);
    expect(await properties.string('namespace')).toBeUndefined();
  });

  it('names a missing required property', async () => {
    const ctx = await context({ key: 'k' });
    expect(() => new TaskProperties(ctx, KV_SET_TASK)).toThrow(new TaskPropertyError('value', 'is required'));
  });

  it('names a property whose value the type does not accept, with the validator\'s words', async () => {
    const ctx = await context({ key: 'k', value: 'v', kvType: 'XML' });
    expect(() => new TaskProperties(ctx, KV_SET_TASK)).toThrow(
      new TaskPropertyError('kvType', "must be one of STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION, JSON but got 'XML'"),
    );
  });

  it('refuses a property the type refuses, with why', async () => {
    const ctx = await context({ uri: 'https://example.org', sslOptions: { insecureTrustAllCertificates: true } });
    expect(() => new TaskProperties(ctx, HTTP_REQUEST_TASK)).toThrow(
      new TaskPropertyError('sslOptions', 'is not supported by Osprey: TLS options are not implemented: the system trust store is used'),
    );
  });

  it('renders an enum written in any case or as an expression to its value', async () => {
    const properties = new TaskProperties(await context({ message: 'm', level: '{{ inputs.level }}' }, { inputs: { level: 'warn' } }), LOG_TASK);
    expect(await properties.enumValue('level', ['INFO', 'WARN'] as const)).toBe('WARN');
    await expect(properties.enumValue('level', ['INFO'] as const)).rejects.toThrow("Invalid property 'level': must be one of INFO but got 'WARN'");
  });
});
