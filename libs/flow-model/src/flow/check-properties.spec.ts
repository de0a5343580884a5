import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { checkProperties, type PropertyCheck } from './check-properties.js';
import type { FlowPath } from './flow-path.js';
import { prop } from './property-schema.js';

const check: PropertyCheck = {
  schema: z.strictObject({ key: prop.string(), ttl: prop.duration().optional(), tasks: prop.tasks().optional() }),
  refused: { cache: 'no cache here' },
  what: 'a thing',
};

function report(value: Record<string, unknown>, effective?: Record<string, unknown>) {
  const found: [string, string, boolean][] = [];
  checkProperties(value, ['t'], check, (path: FlowPath, message, options) => found.push([path.join('.'), message, options?.atKey ?? false]), effective);
  return found;
}

describe('checkProperties', () => {
  it('reports refused and unknown properties at their key, wrong values at the value, missing ones at the map', () => {
    expect(report({ cache: true, ttl: 'soon', nope: 1, tasks: [] })).toEqual([
      ['t.cache', "property 'cache' is not supported by Osprey: no cache here", true],
      ['t.key', "missing required property 'key'", false],
      ['t.ttl', "invalid ISO-8601 duration 'soon': expected a form like PT5S, PT0.25S, PT1H30M or P1D", false],
      ['t.tasks', 'must hold at least one task', false],
      ['t.nope', "unknown property 'nope' for a thing", true],
    ]);
  });

  it('counts null as absent and lets plugin defaults supply a required property', () => {
    expect(report({ key: null, ttl: null })).toEqual([['t.key', "missing required property 'key'", false]]);
    expect(report({}, { key: 'from defaults' })).toEqual([]);
  });
});
