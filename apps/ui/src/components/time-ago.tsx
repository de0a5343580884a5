import { useEffect, useState } from 'react';
import { formatDate, formatDuration, formatRelative, durationBetween } from './format.js';

/** `3m ago`, refreshed every 15 s; the full date in the tooltip. */
export function TimeAgo({ date }: { date: string | number | undefined | null }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
  if (date === undefined || date === null || date === '') return <span>–</span>;
  return (
    <time dateTime={new Date(date).toISOString()} title={formatDate(date)}>
      {formatRelative(date)}
    </time>
  );
}

/** The duration of a state: fixed once ended, ticking each second while running. */
export function LiveDuration({ start, end, iso }: { start?: string; end?: string; iso?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (end || iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [end, iso]);
  return <span>{formatDuration(iso ?? durationBetween(start, end, now))}</span>;
}
