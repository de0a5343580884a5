import { ApiError, errorMessage } from '../api/index.js';

/** An error as the API told it (message, and violations when a flow or inputs were refused). */
export function ErrorBanner({ error, onRetry, onDismiss, title }: { error: unknown; onRetry?: () => void; onDismiss?: () => void; title?: string }) {
  if (error === undefined || error === null) return null;
  const violations = error instanceof ApiError ? error.body?.violations : undefined;
  const status = error instanceof ApiError ? error.status : undefined;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div className="error-banner__text">
        <strong>{title ?? (status ? `Error ${status}` : 'Error')}</strong>: {errorMessage(error)}
        {violations && violations.length > 0 && (
          <ul className="error-banner__violations">
            {violations.map((v, i) => (
              <li key={i}>
                {v.line ? `line ${v.line}${v.column ? `:${v.column}` : ''} ` : ''}
                <code>{v.path}</code> {v.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="error-banner__actions">
        {onRetry && (
          <button type="button" className="btn btn--small" onClick={onRetry}>
            Retry
          </button>
        )}
        {onDismiss && (
          <button type="button" className="btn btn--small btn--ghost" onClick={onDismiss} aria-label="Dismiss">
            ×
          </button>
        )}
      </div>
    </div>
  );
}
