import type { ReactNode } from 'react';

/** What the user sees when a list is empty, with a hint of what to do. */
export function EmptyState({ title, hint, action, testId }: { title: string; hint?: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div className="empty-state" data-testid={testId ?? 'empty-state'}>
      <p className="empty-state__title">{title}</p>
      {hint && <p className="empty-state__hint">{hint}</p>}
      {action && <div className="empty-state__action">{action}</div>}
    </div>
  );
}
