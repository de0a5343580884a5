import { useEffect, useState, type ReactNode } from 'react';

/** A row of filter controls with a Clear button; children are the controls. */
export function FiltersBar({ children, onClear, testId = 'filters' }: { children: ReactNode; onClear?: () => void; testId?: string }) {
  return (
    <div className="filters-bar" role="search" data-testid={testId}>
      {children}
      {onClear && (
        <button type="button" className="btn btn--ghost btn--small" onClick={onClear} data-testid="filters-clear">
          Clear filters
        </button>
      )}
    </div>
  );
}

/** A text filter that reports its value after the user pauses typing (or presses Enter). */
export function SearchInput({ value, onChange, placeholder = 'Search…', label = 'Search', delayMs = 300, testId }: {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  label?: string;
  delayMs?: number;
  testId?: string;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text), delayMs);
    return () => clearTimeout(timer);
  }, [text, value, onChange, delayMs]);
  return (
    <label className="filter">
      <span className="filter__label">{label}</span>
      <input
        type="search"
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onChange(text);
        }}
        data-testid={testId}
      />
    </label>
  );
}

/** A select filter; the empty option means "any". */
export function SelectFilter({ value, onChange, options, label, anyLabel = 'Any', testId }: {
  value: string;
  onChange: (value: string) => void;
  options: (string | { value: string; label: string })[];
  label: string;
  anyLabel?: string;
  testId?: string;
}) {
  return (
    <label className="filter">
      <span className="filter__label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{anyLabel}</option>
        {options.map((o) => {
          const option = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          );
        })}
      </select>
    </label>
  );
}
