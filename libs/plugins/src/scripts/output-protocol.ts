import type { LogLevel } from '@osprey/flow-model';

/** What a script can send back on one stdout or stderr line: `::{"outputs":{...},"metrics":[...],"logs":[...]}::`. */
export interface ProtocolMessage {
  outputs?: Record<string, unknown>;
  metrics?: ProtocolMetric[];
  logs?: { level: LogLevel; message: string }[];
}

export interface ProtocolMetric {
  name: string;
  type: string;
  value: number;
  tags?: Record<string, string>;
}

/** Thrown for a line shaped like a protocol message whose JSON does not parse. */
export class ProtocolLineError extends Error {
  constructor(readonly line: string, reason: string) {
    super(`Invalid outputs '${line}': ${reason}`);
    this.name = 'ProtocolLineError';
  }
}

// Kestra's TaskLogLineMatcher syntax: the whole line, a JSON object between `::` markers.
const PROTOCOL_LINE = /^::(\{.*\})::$/;
const LEVELS = new Set<LogLevel>(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);

/** Parses a protocol line; returns undefined for an ordinary log line. */
export function parseProtocolLine(line: string): ProtocolMessage | undefined {
  const match = PROTOCOL_LINE.exec(line);
  if (!match) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1]!);
  } catch (error) {
    throw new ProtocolLineError(line, (error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolLineError(line, 'not a JSON object');
  }
  const { outputs, metrics, logs } = parsed as Record<string, unknown>;
  const message: ProtocolMessage = {};
  if (outputs !== undefined && outputs !== null) {
    if (typeof outputs !== 'object' || Array.isArray(outputs)) throw new ProtocolLineError(line, '"outputs" must be an object');
    message.outputs = outputs as Record<string, unknown>;
  }
  if (Array.isArray(metrics)) message.metrics = metrics as ProtocolMetric[];
  if (Array.isArray(logs)) {
    message.logs = logs.map((entry: { level?: unknown; message?: unknown }) => {
      const level = String(entry?.level ?? 'INFO').toUpperCase();
      return {
        level: LEVELS.has(level as LogLevel) ? (level as LogLevel) : level === 'WARNING' ? 'WARN' : 'INFO',
        message: String(entry?.message ?? ''),
      };
    });
  }
  return message;
}
