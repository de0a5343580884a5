/** A spinner with a label for screen readers; `inline` for buttons and table cells. */
export function Loading({ label = 'Loading…', inline = false }: { label?: string; inline?: boolean }) {
  return (
    <div className={inline ? 'loading loading--inline' : 'loading'} role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span className={inline ? 'sr-only' : 'loading__label'}>{label}</span>
    </div>
  );
}
