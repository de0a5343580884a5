import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { propertySpecs, type PropertiesOf } from './plugin-definition.js';
import { prop, propertyKind } from './property-schema.js';
import { KV_SET_TASK, LOG_TASK, SHELL_COMMANDS_TASK } from './task-types.js';

/** The messages a property schema reports for `value`, as the validator shows them. */
function problems(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('property schemas', () => {
  it.each([
    ['integer', prop.integer(), [3, '3', '{{ inputs.n }}'], [['x', "expected an integer but got 'x'"], [1.5, 'expected an integer but got 1.5'], [true, 'expected an integer but got true']]],
    ['number', prop.number(), [1.5, '2.5', '{% if a %}1{% endif %}'], [['x', "expected a number but got 'x'"], [{}, 'expected a number but got a map']]],
    ['boolean', prop.boolean(), [true, 'false', '{{ inputs.b }}'], [['yes', "expected a boolean but got 'yes'"], [1, 'expected a boolean but got 1']]],
    ['string', prop.string(), ['a', 1, false], [[[], 'expected a string but got a list']]],
    ['duration', prop.duration(), ['PT5S', 'p1d', '{{ vars.d }}'], [['5s', "invalid ISO-8601 duration '5s': expected a form like PT5S, PT0.25S, PT1H30M or P1D"], [5, 'invalid ISO-8601 duration 5: expected a form like PT5S, PT0.25S, PT1H30M or P1D']]],
    ['map', prop.map(), [{ a: 1 }, '{{ outputs.t.values }}'], [['a', "expected a map but got 'a'"], [[1], 'expected a map but got a list']]],
    ['list', prop.list(), [[1], '{{ inputs.items }}'], [['a', "expected a list but got 'a'"]]],
    ['stringOrList', prop.stringOrList(), ['echo', ['a', 'b']], [[{}, 'expected a string or a list but got a map']]],
    ['tasks', prop.tasks(), [[{ id: 't' }]], [['{{ tasks }}', "expected a list of tasks but got '{{ tasks }}'"], [[], 'must hold at least one task']]],
    ['conditions', prop.conditions(), [[{ type: 'x' }], '{{ conditions }}'], [[{}, 'expected a list of conditions but got a map']]],
  ] as const)('%s accepts its values and expressions and words its refusals as the validator does', (_, schema, accepted, refused) => {
    for (const value of accepted) expect(problems(schema, value)).toEqual([]);
    for (const [value, message] of refused) expect(problems(schema, value)).toEqual([message]);
  });

  it('matches enum values regardless of case, names the refused ones and accepts expressions', () => {
    const runner = prop.enumOf(['PROCESS', 'DOCKER'], { DOCKER: 'no containers' });
    expect(problems(runner, 'process')).toEqual([]);
    expect(problems(runner, '{{ inputs.runner }}')).toEqual([]);
    expect(problems(runner, 'Docker')).toEqual(["value 'Docker' is not supported by Osprey: no containers"]);
    expect(problems(runner, 'podman')).toEqual(["must be one of PROCESS, DOCKER but got 'podman'"]);
    expect(problems(runner, ['PROCESS'])).toEqual(['expected a string but got a list']);
  });

  it('keeps its kind through describe() and optional(), which the docs and the plugins API read', () => {
    expect(propertyKind(prop.tasks().describe('Children.').optional())).toEqual({ type: 'tasks', required: false });
    expect(propertyKind(prop.enumOf(['A', 'B'], { B: 'no' }))).toEqual({ type: 'string', required: true, values: ['A', 'B'], refusedValues: { B: 'no' } });
    expect(() => propertyKind(z.string())).toThrow(/prop\.\*\(\)/);
    expect(propertySpecs({ a: prop.integer() }, { b: 'not here' })).toEqual({ a: { type: 'integer', required: true }, b: { type: 'any', refused: 'not here' } });
  });

  it('gives each task type its TypeScript type and descriptors from one declaration', () => {
    const set: PropertiesOf<typeof KV_SET_TASK> = { key: 'k', value: 1, ttl: 'PT1H', kvType: 'JSON', overwrite: '{{ inputs.overwrite }}' };
    expect(KV_SET_TASK.schema.safeParse(set).success).toBe(true);
    expect(KV_SET_TASK.required).toEqual(['key', 'value']);
    expect(LOG_TASK.properties.level).toEqual({ type: 'string', values: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] });
    expect(SHELL_COMMANDS_TASK.properties.containerImage?.refused).toMatch(/no task runner or container/);
    expect(SHELL_COMMANDS_TASK.shape).not.toHaveProperty('containerImage');
  });
});
