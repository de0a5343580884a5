import { countByLevel, filterLogLines, isAtLeast, type LogLine } from './log-levels.js';

const line = (level: string, message: string, taskRunId?: string, taskId?: string): LogLine => ({ timestamp: '2026-01-01T00:00:00Z', level, message, taskRunId, taskId });

describe('isAtLeast', () => {
  it('orders TRACE < DEBUG < INFO < WARN < ERROR', () => {
    expect(isAtLeast('WARN', 'INFO')).toBe(true);
    expect(isAtLeast('DEBUG', 'INFO')).toBe(false);
    expect(isAtLeast('ERROR', 'ERROR')).toBe(true);
  });
});

describe('filterLogLines', () => {
  const lines = [line('DEBUG', 'connecting', 'tr1', 'fetch'), line('INFO', 'Fetched 3 rows', 'tr1', 'fetch'), line('ERROR', 'boom', 'tr2', 'load')];

  it('keeps lines at or above the minimum level', () => {
    expect(filterLogLines(lines, { minLevel: 'INFO' }).map((l) => l.message)).toEqual(['Fetched 3 rows', 'boom']);
  });

  it('searches the message and the task id without case', () => {
    expect(filterLogLines(lines, { text: 'ROWS' }).map((l) => l.message)).toEqual(['Fetched 3 rows']);
    expect(filterLogLines(lines, { text: 'load' }).map((l) => l.message)).toEqual(['boom']);
  });

  it('restricts to one task run and combines filters', () => {
    expect(filterLogLines(lines, { taskRunId: 'tr1', minLevel: 'DEBUG', text: 'conn' }).map((l) => l.message)).toEqual(['connecting']);
  });
});

describe('countByLevel', () => {
  it('counts lines per level', () => {
    expect(countByLevel([line('INFO', 'a'), line('INFO', 'b'), line('WARN', 'c')])).toEqual({ INFO: 2, WARN: 1 });
  });
});
