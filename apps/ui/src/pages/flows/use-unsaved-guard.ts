import { useEffect, useRef } from 'react';
import { useBlocker, type Blocker } from 'react-router';

/**
 * Holds navigation away from `base` (and closing the tab) while there are unsaved changes; moving between the
 * flow's own tabs is allowed (the draft lives in the page). `skip()` lets one navigation through (after a save).
 */
export function useUnsavedGuard(dirty: boolean, base: string): { blocker: Blocker; skip: () => void } {
  const skipping = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => {
    if (skipping.current) {
      skipping.current = false;
      return false;
    }
    const inside = (path: string) => path === base || path.startsWith(`${base}/`);
    return dirty && inside(currentLocation.pathname) && !inside(nextLocation.pathname);
  });
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return {
    blocker,
    skip: () => {
      skipping.current = true;
    },
  };
}
