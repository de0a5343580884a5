import { describe, expect, it } from '@jest/globals';
import { parseProtocolLine, ProtocolLineError } from './output-protocol.js';

describe('parseProtocolLine', () => {
  it('reads outputs, metrics and logs', () => {
    expect(parseProtocolLine('::{"outputs":{"a":1},"metrics":[{"name":"n","type":"counter","value":2}],"logs":[{"level":"warning","message":"m"}]}::')).toEqual({
      outputs: { a: 1 },
      metrics: [{ name: 'n', type: 'counter', value: 2 }],
      logs: [{ level: 'WARN', message: 'm' }],
    });
  });

  it('leaves ordinary lines, and markers not spanning the whole line, alone', () => {
    expect(parseProtocolLine('hello')).toBeUndefined();
    expect(parseProtocolLine(' ::{"outputs":{}}::')).toBeUndefined();
    expect(parseProtocolLine('::{"outputs":{}}:: trailing')).toBeUndefined();
  });

  it('rejects malformed JSON and non-object outputs', () => {
    expect(() => parseProtocolLine('::{oops}::')).toThrow(ProtocolLineError);
    expect(() => parseProtocolLine('::{"outputs":[1]}::')).toThrow('"outputs" must be an object');
  });
});
