import { useEffect, useMemo, useRef, useState } from 'react';
import { api, followSse, type LogEntry, type TaskRun } from '../../api/index.js';
import { ErrorBanner, Loading } from '../../components/index.js';
import { LOG_LEVELS, countByLevel, filterLogLines } from './log-levels.js';
import './logs.css';

/** Lines kept in the browser; an execution logging more is better read from the download. */
const MAX_LINES = 20_000;
const POLL_MS = 2_000;

export interface LogViewerProps {
  executionId: string;
  /** Follow new lines until the execution ends. */
  live: boolean;
  /** Task runs to offer in the task run filter. */
  taskRuns?: TaskRun[];
  /** Show only this task run's lines (no task run filter offered). */
  taskRunId?: string;
  /** Height of the scrolling area, CSS. */
  height?: string;
}

/** An execution's logs: live tail over SSE (polling if that fails), level, text and task run filters, auto-scroll, download. */
export function LogViewer({ executionId, live, taskRuns, taskRunId, height = '28rem' }: LogViewerProps) {
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [minLevel, setMinLevel] = useState('INFO');
  const [text, setText] = useState('');
  const [taskRunFilter, setTaskRunFilter] = useState('');
  const [stickToBottom, setStickToBottom] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const [mode, setMode] = useState<'sse' | 'polling' | 'static'>('static');

  useEffect(() => {
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closeSse: (() => void) | undefined;
    const path = `/api/v1/logs/${encodeURIComponent(executionId)}`;
    const query = { taskRunId };
    const loadAll = async () => {
      try {
        const all = await api.get<LogEntry[]>(path, query);
        if (closed) return;
        setLines(all.slice(-MAX_LINES));
        setError(undefined);
      } catch (e) {
        if (!closed) setError(e);
      } finally {
        if (!closed) setLoading(false);
      }
    };
    const poll = async () => {
      await loadAll();
      if (!closed) timer = setTimeout(poll, POLL_MS);
    };
    setLines([]);
    setLoading(true);
    if (!live) {
      setMode('static');
      void loadAll();
    } else {
      // The follow stream replays the execution's lines from the first, then tails; it closes once the execution ended.
      setMode('sse');
      let buffer: LogEntry[] = [];
      let flush: ReturnType<typeof setTimeout> | undefined;
      closeSse = followSse<LogEntry>(`${path}/follow`, {
        query,
        onMessage: (entry, id) => {
          if (id === 'start' || typeof entry !== 'object' || entry === null || !('message' in entry)) {
            setLoading(false);
            return;
          }
          // Batch bursts of lines into one render.
          buffer.push(entry);
          flush ??= setTimeout(() => {
            const batch = buffer;
            buffer = [];
            flush = undefined;
            if (!closed) setLines((previous) => [...previous, ...batch].slice(-MAX_LINES));
          }, 100);
        },
        onError: () => {
          if (closed) return;
          setMode('polling');
          void poll();
        },
        onEnd: () => {
          if (!closed) setLoading(false);
        },
      });
    }
    return () => {
      closed = true;
      closeSse?.();
      if (timer) clearTimeout(timer);
    };
  }, [executionId, live, taskRunId]);

  const filtered = useMemo(() => filterLogLines(lines, { minLevel, text, taskRunId: taskRunFilter || undefined }), [lines, minLevel, text, taskRunFilter]);
  const counts = useMemo(() => countByLevel(lines), [lines]);

  useEffect(() => {
    const el = scroller.current;
    if (el && stickToBottom) el.scrollTop = el.scrollHeight;
  }, [filtered, stickToBottom]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atBottom !== stickToBottom) setStickToBottom(atBottom);
  };

  const download = () => {
    api
      .download(`/api/v1/logs/${encodeURIComponent(executionId)}/download`, { minLevel, taskRunId: taskRunId ?? (taskRunFilter || undefined) }, `${executionId}.log`)
      .catch((e: unknown) => setError(e));
  };

  const taskRunLabel = (t: TaskRun) => `${t.taskId}${t.value !== undefined ? ` [${t.value}]` : ''}`;

  return (
    <div className="log-viewer" data-testid="log-viewer">
      <div className="log-viewer__toolbar">
        <label className="field field--inline">
          <span>Level</span>
          <select value={minLevel} onChange={(e) => setMinLevel(e.target.value)} data-testid="log-level">
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level} and above{counts[level] ? ` (${counts[level]})` : ''}
              </option>
            ))}
          </select>
        </label>
        {!taskRunId && taskRuns && taskRuns.length > 0 && (
          <label className="field field--inline">
            <span>Task run</span>
            <select value={taskRunFilter} onChange={(e) => setTaskRunFilter(e.target.value)} data-testid="log-taskrun">
              <option value="">All</option>
              {taskRuns.map((t) => (
                <option key={t.id} value={t.id}>
                  {taskRunLabel(t)}
                </option>
              ))}
            </select>
          </label>
        )}
        <input type="search" className="log-viewer__search" placeholder="Search the messages" value={text} onChange={(e) => setText(e.target.value)} aria-label="Search the logs" data-testid="log-search" />
        <span className="log-viewer__status muted" aria-live="polite">
          {live ? (mode === 'polling' ? 'Live (polling)' : 'Live') : 'Ended'} · {filtered.length}/{lines.length} lines
        </span>
        <button type="button" className="btn btn--small" onClick={download} data-testid="log-download">
          Download
        </button>
      </div>
      {error !== undefined && <ErrorBanner error={error} title="Logs could not be loaded" />}
      <div className="log-viewer__lines" ref={scroller} onScroll={onScroll} style={{ height }} data-testid="logs" tabIndex={0} aria-label="Log lines">
        {loading && lines.length === 0 ? (
          <Loading label="Loading logs…" />
        ) : filtered.length === 0 ? (
          <p className="log-viewer__empty muted">{lines.length === 0 ? (live ? 'No log line yet; lines appear here as the tasks write them.' : 'This execution wrote no log line.') : 'No line matches the filters: lower the level or clear the search.'}</p>
        ) : (
          filtered.map((line, i) => (
            <div key={i} className="log-line" data-level={line.level}>
              <time className="log-line__time" dateTime={line.timestamp} title={line.timestamp}>
                {formatTime(line.timestamp)}
              </time>
              <span className="log-line__level">{line.level}</span>
              {line.taskId && <span className="log-line__task">{line.taskId}</span>}
              <span className="log-line__message">{line.message}</span>
            </div>
          ))
        )}
      </div>
      {!stickToBottom && filtered.length > 0 && (
        <button
          type="button"
          className="btn btn--small log-viewer__latest"
          onClick={() => {
            setStickToBottom(true);
          }}
        >
          Follow the latest lines ↓
        </button>
      )}
    </div>
  );
}

function formatTime(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return `${date.toLocaleTimeString(undefined, { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
