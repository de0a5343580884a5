import { useState } from 'react';
import { Link } from 'react-router';
import { stateColor } from '../../components/index.js';
import type { DailyChartModel } from './daily-chart-model.js';

const WIDTH = 960;
const HEIGHT = 260;
const PAD = { top: 12, right: 12, bottom: 28, left: 40 };

/** Executions per day as stacked bars in plain SVG; each bar links to that day's executions. */
export function DailyChart({ model }: { model: DailyChartModel }) {
  const [hover, setHover] = useState<number>();
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, model.days.length);
  const barW = Math.max(2, Math.min(36, slot * 0.7));
  const y = (count: number) => PAD.top + innerH - (count / model.yMax) * innerH;
  const labelEvery = Math.ceil(model.days.length / 12);
  const hovered = hover !== undefined ? model.days[hover] : undefined;

  return (
    <figure className="daily-chart" data-testid="daily-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Executions per day, stacked by state">
        {model.yTicks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="daily-chart__grid" />
            <text x={PAD.left - 6} y={y(t)} className="daily-chart__label" textAnchor="end" dominantBaseline="middle">
              {t}
            </text>
          </g>
        ))}
        {model.days.map((day, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          // The API counts per UTC day.
          const from = Date.parse(`${day.date}T00:00:00.000Z`);
          const to = new Date(from + 86_400_000).toISOString();
          return (
            <Link
              key={day.date}
              to={`/executions?range=custom&from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(to)}`}
              aria-label={`${day.date}: ${day.total} executions`}
              onMouseEnter={() => setHover(i)}
              onMouseLeave={() => setHover(undefined)}
              onFocus={() => setHover(i)}
              onBlur={() => setHover(undefined)}
              data-testid={`daily-bar-${day.date}`}
            >
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={innerH} className={hover === i ? 'daily-chart__hit daily-chart__hit--on' : 'daily-chart__hit'} />
              {day.segments.map((s) => (
                <rect key={s.state} x={x} width={barW} y={y(s.to)} height={Math.max(0, y(s.from) - y(s.to))} fill={stateColor(s.state)} rx={1.5} />
              ))}
              {i % labelEvery === 0 && (
                <text x={x + barW / 2} y={HEIGHT - 8} className="daily-chart__label" textAnchor="middle">
                  {day.date.slice(5)}
                </text>
              )}
            </Link>
          );
        })}
      </svg>
      <figcaption className="daily-chart__tooltip" aria-live="polite">
        {hovered ? (
          <>
            <strong>{hovered.date}</strong>: {hovered.total} execution{hovered.total === 1 ? '' : 's'}
            {hovered.segments.map((s) => (
              <span key={s.state} className="daily-chart__legend-item">
                <span className="daily-chart__swatch" style={{ background: stateColor(s.state) }} />
                {s.state} {s.count}
              </span>
            ))}
          </>
        ) : (
          <span className="muted">Point at a day for its counts; click it for its executions.</span>
        )}
      </figcaption>
    </figure>
  );
}
