import { useSearchParams, Link } from 'react-router';
import { api, useApi, type Execution, type Paged } from '../../api/index.js';
import { DataTable, EmptyState, ErrorBanner, Loading, StateBadge, TimeAgo, LiveDuration, stateColor } from '../../components/index.js';
import { DailyChart } from './daily-chart.js';
import { dailyChartModel, type DailyStat } from './daily-chart-model.js';
import './dashboard.css';

const DAY_MS = 86_400_000;
const RANGES = [7, 30] as const;

/** Executions per state and day over the last 7 or 30 days, totals per state, running and recently failed executions. */
export default function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const days = params.get('days') === '30' ? 30 : 7;
  const range = days === 30 ? '30d' : '7d';
  const stats = useApi(
    (signal) => {
      const end = new Date();
      // Whole days: from the start of the first (UTC) day of the range.
      const start = new Date(Date.parse(new Date(end.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10)));
      return api.get<DailyStat[]>('/api/v1/stats/executions/daily', { startDate: start.toISOString(), endDate: end.toISOString() }, { signal });
    },
    [days],
  );
  const failed = useApi((signal) => api.get<Paged<Execution>>('/api/v1/executions/search', { state: ['FAILED', 'KILLED'], size: 8, sort: 'state.startDate:desc' }, { signal }), []);
  const running = useApi((signal) => api.get<Paged<Execution>>('/api/v1/executions/search', { state: ['CREATED', 'QUEUED', 'RUNNING', 'PAUSED', 'RESTARTED', 'KILLING', 'RETRYING'], size: 8, sort: 'state.startDate:desc' }, { signal }), []);
  const model = stats.data ? dailyChartModel(stats.data) : undefined;

  return (
    <div className="page dashboard" data-testid="dashboard-page">
      <header className="page-header">
        <h1>Dashboard</h1>
        <div className="page-header__actions segmented" role="group" aria-label="Period">
          {RANGES.map((d) => (
            <button key={d} type="button" className={d === days ? 'segmented__item segmented__item--on' : 'segmented__item'} aria-pressed={d === days} onClick={() => setParams(d === 7 ? {} : { days: String(d) })} data-testid={`dashboard-range-${d}`}>
              Last {d} days
            </button>
          ))}
        </div>
      </header>

      <section className="card dashboard__chart" aria-labelledby="dashboard-chart-title">
        <h2 id="dashboard-chart-title">Executions per day</h2>
        <ErrorBanner error={stats.error} onRetry={stats.reload} />
        {!model && stats.loading && <Loading label="Loading statistics…" />}
        {model && (
          <>
            <div className="dashboard__totals" data-testid="dashboard-totals">
              <Link to={`/executions?range=${range}`} className="dashboard__total">
                <span className="dashboard__total-count">{model.total}</span>
                <span className="muted">executions</span>
              </Link>
              {model.totals.map((t) => (
                <Link key={t.state} to={`/executions?range=${range}&state=${t.state}`} className="dashboard__total" style={{ ['--badge-color' as string]: stateColor(t.state) }} data-testid={`dashboard-total-${t.state}`}>
                  <span className="dashboard__total-count">{t.count}</span>
                  <StateBadge state={t.state} />
                </Link>
              ))}
            </div>
            {model.total === 0 ? <EmptyState title={`No execution in the last ${days} days`} hint={<>Open a flow and press Execute: <Link to="/flows">see the flows</Link>.</>} /> : <DailyChart model={model} />}
          </>
        )}
      </section>

      <div className="dashboard__lists">
        <section className="card" aria-labelledby="dashboard-running">
          <h2 id="dashboard-running">
            Running now <Link to="/executions?state=RUNNING&state=PAUSED&state=CREATED&state=QUEUED" className="small">all</Link>
          </h2>
          <RecentList result={running} empty="Nothing is running." testId="dashboard-running" />
        </section>
        <section className="card" aria-labelledby="dashboard-failed">
          <h2 id="dashboard-failed">
            Recent failures <Link to="/executions?state=FAILED&state=KILLED" className="small">all</Link>
          </h2>
          <RecentList result={failed} empty="No failed execution. 🎉" testId="dashboard-failed" />
        </section>
      </div>
    </div>
  );
}

function RecentList({ result, empty, testId }: { result: ReturnType<typeof useApi<Paged<Execution>>>; empty: string; testId: string }) {
  if (result.error !== undefined) return <ErrorBanner error={result.error} onRetry={result.reload} />;
  if (!result.data) return <Loading />;
  return (
    <DataTable
      testId={testId}
      rows={result.data.results}
      rowKey={(e) => e.id}
      empty={<EmptyState title={empty} />}
      columns={[
        { key: 'flow', header: 'Flow', render: (e) => <Link to={`/executions/${encodeURIComponent(e.id)}`}>{e.namespace}.{e.flowId}</Link> },
        { key: 'start', header: 'Started', render: (e) => <TimeAgo date={e.state.startDate} /> },
        { key: 'duration', header: 'Duration', render: (e) => <LiveDuration start={e.state.startDate} end={e.state.endDate} iso={e.state.duration} /> },
        { key: 'state', header: 'State', render: (e) => <StateBadge state={e.state.current} /> },
      ]}
    />
  );
}
