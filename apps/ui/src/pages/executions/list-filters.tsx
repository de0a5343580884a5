import { useEffect, useState } from 'react';
import { api, useApi, STATE_TYPES } from '../../api/index.js';
import { SelectFilter, stateColor } from '../../components/index.js';
import { TIME_RANGES, type TimeRangeKey } from './list-query.js';

/** Filter controls shared by the executions, task runs and logs lists. Candidates for src/components. */

/** States as toggle chips (several may be on). */
export function StateFilter({ value, onChange, testId = 'state-filter' }: { value: string[]; onChange: (states: string[]) => void; testId?: string }) {
  const on = new Set(value);
  return (
    <div className="filter">
      <span className="filter__label" id={`${testId}-label`}>
        State
      </span>
      <div className="state-filter" role="group" aria-labelledby={`${testId}-label`} data-testid={testId}>
        {STATE_TYPES.map((state) => (
          <button
            key={state}
            type="button"
            className="state-filter__item"
            aria-pressed={on.has(state)}
            style={{ ['--badge-color' as string]: stateColor(state) }}
            onClick={() => onChange(on.has(state) ? value.filter((s) => s !== state) : [...value, state])}
            data-testid={`${testId}-${state}`}
          >
            {state}
          </button>
        ))}
      </div>
    </div>
  );
}

/** The namespaces that hold flows, as a select. */
export function NamespaceFilter({ value, onChange, testId = 'namespace-filter' }: { value: string; onChange: (namespace: string) => void; testId?: string }) {
  const namespaces = useApi((signal) => api.get<string[]>('/api/v1/flows/distinct-namespaces', undefined, { signal }), []);
  const options = [...new Set([...(namespaces.data ?? []), ...(value ? [value] : [])])].sort();
  return <SelectFilter label="Namespace" value={value} onChange={onChange} options={options} anyLabel="All namespaces" testId={testId} />;
}

/** Last hour/day/week/month, all time, or a custom from–to range (datetime-local fields). */
export function TimeRangeFilter({ range, from, to, onChange, testId = 'time-range' }: {
  range: TimeRangeKey;
  from: string;
  to: string;
  onChange: (change: { range: string; from?: string; to?: string }) => void;
  testId?: string;
}) {
  const [customFrom, setCustomFrom] = useState(toLocalInput(from));
  const [customTo, setCustomTo] = useState(toLocalInput(to));
  useEffect(() => setCustomFrom(toLocalInput(from)), [from]);
  useEffect(() => setCustomTo(toLocalInput(to)), [to]);
  const applyCustom = (f: string, t: string) => onChange({ range: 'custom', from: fromLocalInput(f), to: fromLocalInput(t) });
  return (
    <>
      <label className="filter">
        <span className="filter__label">Time range</span>
        <select value={range} onChange={(e) => onChange({ range: e.target.value === 'all' ? '' : e.target.value, from: undefined, to: undefined })} data-testid={testId}>
          <option value="all">All time</option>
          {TIME_RANGES.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {range === 'custom' && (
        <>
          <label className="filter">
            <span className="filter__label">From</span>
            <input type="datetime-local" value={customFrom} onChange={(e) => setCustomFrom(e.target.value)} onBlur={() => applyCustom(customFrom, customTo)} data-testid={`${testId}-from`} />
          </label>
          <label className="filter">
            <span className="filter__label">To</span>
            <input type="datetime-local" value={customTo} onChange={(e) => setCustomTo(e.target.value)} onBlur={() => applyCustom(customFrom, customTo)} data-testid={`${testId}-to`} />
          </label>
        </>
      )}
    </>
  );
}

/** ISO date → the value of a datetime-local input (local time, minutes). */
function toLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
