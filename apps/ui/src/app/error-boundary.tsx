import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useRouteError } from 'react-router';
import { errorMessage } from '../api/index.js';

/** Catches a page that throws while rendering, so the layout and navigation stay usable. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey?: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined) this.setState({ error: undefined });
  }

  override componentDidCatch(_error: unknown, _info: ErrorInfo) {
    // Shown on the page; the browser console already has the stack.
  }

  override render() {
    if (this.state.error !== undefined) return <PageCrash error={this.state.error} />;
    return this.props.children;
  }
}

/** The router's error element (a lazy page that fails to load, e.g. after a new deploy). */
export function RouteError() {
  const error = useRouteError();
  return <PageCrash error={error} />;
}

function PageCrash({ error }: { error: unknown }) {
  return (
    <div className="page">
      <div className="error-banner" role="alert">
        <div className="error-banner__text">
          <strong>This page failed</strong>: {errorMessage(error)}
        </div>
        <div className="error-banner__actions">
          <button type="button" className="btn btn--small" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </div>
    </div>
  );
}
