import { useEffect, useState } from 'react';
import { api, followSse, useApi, type ApiState, type Execution } from '../../api/index.js';
import { isEndedState } from './gantt-layout.js';

const POLL_MS = 1_000;

export type LiveMode = 'sse' | 'polling' | 'ended';

/**
 * An execution that stays current: loaded once, then followed over SSE until it ends, falling back to
 * polling when the stream fails. Following starts again when it leaves a terminal state (restart, resume).
 */
export function useLiveExecution(id: string): ApiState<Execution> & { mode: LiveMode } {
  const state = useApi<Execution>((signal) => api.get<Execution>(`/api/v1/executions/${encodeURIComponent(id)}`, undefined, { signal }), [id]);
  const loaded = state.data !== undefined && state.data.id === id;
  const ended = loaded ? isEndedState(state.data!.state.current) : false;
  const [mode, setMode] = useState<LiveMode>('sse');
  const { setData } = state;

  useEffect(() => {
    if (!loaded) return;
    if (ended) {
      setMode('ended');
      return;
    }
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const execution = await api.get<Execution>(`/api/v1/executions/${encodeURIComponent(id)}`);
        if (closed) return;
        setData(execution);
        if (isEndedState(execution.state.current)) return;
      } catch {
        // A failed poll is retried; the page keeps showing the last state it had.
      }
      if (!closed) timer = setTimeout(poll, POLL_MS);
    };
    setMode('sse');
    const close = followSse<Execution>(`/api/v1/executions/${encodeURIComponent(id)}/follow`, {
      onMessage: (data, eventId) => {
        if (eventId === 'start' || typeof data !== 'object' || data === null || !('taskRunList' in data)) return;
        setData(data);
      },
      onError: () => {
        if (closed) return;
        setMode('polling');
        void poll();
      },
      // The stream closes after the terminal state; if it closed earlier (server restart, deletion), poll instead.
      onEnd: () => {
        if (closed) return;
        setMode('polling');
        void poll();
      },
    });
    return () => {
      closed = true;
      close();
      if (timer) clearTimeout(timer);
    };
  }, [id, loaded, ended, setData]);

  return { ...state, mode };
}
