import { durationBetween, formatBytes, formatDuration, formatRelative, parseIsoDuration } from './format.js';

describe('formatDuration', () => {
  it('shows milliseconds, seconds, minutes, hours and days', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(4200)).toBe('4.2s');
    expect(formatDuration(4000)).toBe('4s');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3_600_000 + 4 * 60_000)).toBe('2h 04m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
  it('reads ISO-8601 durations as the API sends them', () => {
    expect(formatDuration('PT1.234S')).toBe('1.2s');
    expect(formatDuration('PT2M3S')).toBe('2m 03s');
    expect(parseIsoDuration('P1DT2H')).toBe(26 * 3_600_000);
    expect(parseIsoDuration('soon')).toBeUndefined();
  });
  it('shows a dash for a missing duration', () => {
    expect(formatDuration(undefined)).toBe('–');
    expect(formatDuration('nonsense')).toBe('–');
  });
});

describe('durationBetween', () => {
  it('measures to now when the state has not ended', () => {
    expect(durationBetween('2026-01-01T00:00:00Z', undefined, Date.parse('2026-01-01T00:00:05Z'))).toBe(5000);
    expect(durationBetween('2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z')).toBe(60_000);
    expect(durationBetween(undefined)).toBeUndefined();
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  it('says how long ago or how soon', () => {
    expect(formatRelative('2026-01-01T11:59:30Z', now)).toBe('30s ago');
    expect(formatRelative('2026-01-01T09:00:00Z', now)).toBe('3h ago');
    expect(formatRelative('2026-01-01T12:05:00Z', now)).toBe('in 5m');
    expect(formatRelative('2026-01-01T12:00:00Z', now)).toBe('just now');
  });
});

describe('formatBytes', () => {
  it('picks the unit', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
