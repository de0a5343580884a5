import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from './parse-flow.js';
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
