import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow, validateFlowValue } from './parse-flow.js';
import { FlowValidationError } from './violation.js';

const CONFORMANCE = '/work/shared/conformance/flows';
const files = existsSync(CONFORMANCE) ? readdirSync(CONFORMANCE).filter((f) => /\.ya?ml$/.test(f)) : [];

describe('parseFlow on the conformance corpus', () => {
  it.each(files)('parses %s without violations', (file) => {
    const source = readFileSync(join(CONFORMANCE, file), 'utf8');
    try {
      const flow = parseFlow(source, { fileName: file });
      expect(flow.tasks.length).toBeGreaterThan(0);
      expect(flow.source).toBe(source);
    } catch (error) {
      if (error instanceof FlowValidationError) throw new Error(error.message);
      throw error;
    }
  });
});

describe('validateFlowValue', () => {
  it('validates a flow given as a plain value, without positions', () => {
    expect(validateFlowValue({ id: 'f', namespace: 'n', tasks: [{ id: 't', type: 'io.kestra.plugin.core.log.Log' }] })).toEqual([
      { path: 'tasks[0].message', message: "missing required property 'message'" },
    ]);
    expect(validateFlowValue({ id: 'f', namespace: 'n', tasks: [{ id: 't', type: 'io.kestra.plugin.core.log.Log', message: 'm' }] })).toEqual([]);
  });
});
