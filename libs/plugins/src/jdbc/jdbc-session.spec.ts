import { describe, expect, it } from '@jest/globals';
import { exactNumber } from './jdbc-session.js';

describe('exactNumber', () => {
  it('gives a number when it keeps every digit of the column text', () => {
    expect(['42', '-7', '12.50', '0.1', '-0.0', '0.0000001', '1000000000000000000000.0', '9007199254740991'].map(exactNumber)).toEqual([42, -7, 12.5, 0.1, -0, 1e-7, 1e21, 9007199254740991]);
  });

  it('keeps the text of a value a number would round', () => {
    expect(['9007199254740993', '12345678901234567890.5', '0.12345678901234567891', '-1.00000000000000000001'].map(exactNumber)).toEqual([
      '9007199254740993',
      '12345678901234567890.5',
      '0.12345678901234567891',
      '-1.00000000000000000001',
    ]);
  });
});
