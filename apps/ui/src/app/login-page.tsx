import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, errorMessage } from '../api/index.js';
import { basicAuth, setAuthHeader } from '../api/auth-store.js';
import { useTheme } from './theme.js';

/** Shown when the API answers 401: basic credentials or an API token, kept for this browser tab. */
export function LoginPage() {
  useTheme();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [mode, setMode] = useState<'basic' | 'token'>('basic');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const header = mode === 'basic' ? basicAuth(username, password) : `Bearer ${token.trim()}`;
    setAuthHeader(header);
    try {
      await api.get('/api/v1/configs');
      const next = params.get('next');
      void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (e) {
      setAuthHeader(undefined);
      setError(e instanceof ApiError && e.status === 401 ? 'Wrong credentials: check them and try again.' : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login__card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <h1>
          <span aria-hidden="true">◆</span> Osprey
        </h1>
        <p className="muted">This server asks for credentials.</p>
        <div className="segmented" role="radiogroup" aria-label="Sign-in method">
          <button type="button" role="radio" aria-checked={mode === 'basic'} className={mode === 'basic' ? 'segmented__item segmented__item--on' : 'segmented__item'} onClick={() => setMode('basic')}>
            User and password
          </button>
          <button type="button" role="radio" aria-checked={mode === 'token'} className={mode === 'token' ? 'segmented__item segmented__item--on' : 'segmented__item'} onClick={() => setMode('token')}>
            API token
          </button>
        </div>
        {mode === 'basic' ? (
          <>
            <label className="field">
              <span>Username</span>
              <input autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required data-testid="login-username" />
            </label>
            <label className="field">
              <span>Password</span>
              <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
            </label>
          </>
        ) : (
          <label className="field">
            <span>API token</span>
            <input autoFocus type="password" value={token} onChange={(e) => setToken(e.target.value)} required data-testid="login-token" />
          </label>
        )}
        {error && (
          <p className="error-text" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
