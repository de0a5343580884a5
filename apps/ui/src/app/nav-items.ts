export interface NavItem {
  to: string;
  label: string;
  icon: string;
  /** Exact match only (the dashboard at `/`). */
  end?: boolean;
}

export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Dashboard', icon: '◧', end: true },
  { to: '/flows', label: 'Flows', icon: '⇶' },
  { to: '/executions', label: 'Executions', icon: '▶' },
  { to: '/logs', label: 'Logs', icon: '☰' },
  { to: '/taskruns', label: 'Task runs', icon: '▤' },
  { to: '/triggers', label: 'Triggers', icon: '◔' },
  { to: '/namespaces', label: 'Namespaces', icon: '▦' },
];
