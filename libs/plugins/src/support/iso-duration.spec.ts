import { describe, expect, it } from '@jest/globals';
import { IsoDurationError, parseIsoDuration } from './iso-duration.js';

describe('parseIsoDuration', () => {
  it.each([
    ['PT2S', 2000],
    ['PT0.100S', 100],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT1S', 86_401_000],
    ['pt5m', 300_000],
    ['-PT1S', -1000],
  ])('reads %s', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', '5s', 'P1W', 'PT1.5M'])('rejects %j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(IsoDurationError);
  });
});
