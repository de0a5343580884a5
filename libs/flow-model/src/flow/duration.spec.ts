import { describe, expect, it } from '@jest/globals';
import { DurationParseError, isDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['PT1S', 1000],
    ['PT0.25S', 250],
    ['PT0.250S', 250],
    ['PT0.25s', 250], // Java accepts either case; Kestra's own tests write it this way
    ['P1D', 86_400_000],
    ['PT1H30M', 5_400_000],
    ['P1DT2H', 93_600_000],
    ['PT15M', 900_000],
    ['PT0.1S', 100],
    ['-PT1S', -1000],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', '1S', 'PT1X', 'P1W', 'P1M', 'PT1.5M', 'five seconds'])('rejects %j with a clear error', (text) => {
    expect(() => parseDuration(text)).toThrow(DurationParseError);
    expect(() => parseDuration(text)).toThrow(/invalid ISO-8601 duration/);
    expect(isDuration(text)).toBe(false);
  });

  it('isDuration accepts only strings', () => {
    expect(isDuration('PT5S')).toBe(true);
    expect(isDuration(5)).toBe(false);
  });
});
