import { useEffect } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { authHeader, onUnauthorized, setAuthHeader } from '../api/auth-store.js';
import { ErrorBoundary } from './error-boundary.js';
import { NAV_ITEMS } from './nav-items.js';
import { useTheme } from './theme.js';
import { Toaster } from './toaster.js';

/** The frame of every page: the left navigation, the theme toggle, the page, the toasts. */
export function Layout() {
  const { theme, toggle } = useTheme();
  const location = useLocation();
  const navigate = useNavigate();

  // Any 401 of the API sends the user to the login page, then back here.
  useEffect(
    () =>
      onUnauthorized(() => {
        const here = window.location.pathname + window.location.search;
        if (!window.location.pathname.startsWith('/login')) void navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
      }),
    [navigate],
  );

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <NavLink to="/" className="sidebar__brand" end>
          <span className="sidebar__logo" aria-hidden="true">
            ◆
          </span>
          Osprey
        </NavLink>
        <ul className="sidebar__items">
          {NAV_ITEMS.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.end} className={({ isActive }) => (isActive ? 'sidebar__link sidebar__link--active' : 'sidebar__link')} data-testid={`nav-${item.label.toLowerCase().replace(/\s+/g, '-')}`}>
                <span className="sidebar__icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="sidebar__footer">
          <button type="button" className="btn btn--ghost btn--small" onClick={toggle} data-testid="theme-toggle" aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          {authHeader() && (
            <button
              type="button"
              className="btn btn--ghost btn--small"
              data-testid="logout"
              onClick={() => {
                setAuthHeader(undefined);
                void navigate('/login');
              }}
            >
              Log out
            </button>
          )}
        </div>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
      <Toaster />
    </div>
  );
}
