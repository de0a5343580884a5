// The route table. Each page is its own lazy chunk, so the first load carries only the layout and
// the page it opens (Monaco and ELK load with the flow pages that use them).
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Loading } from '../components/loading.js';
import { EmptyState } from '../components/empty-state.js';
import { Layout } from './layout.js';
import { LoginPage } from './login-page.js';
import { RouteError } from './error-boundary.js';

type PageModule = { default: ComponentType };
// A glob, not a list of imports: a page file another engineer has not written yet leaves a placeholder
// instead of breaking the build.
const modules = import.meta.glob<PageModule>('../pages/*/*-page.tsx');

function page(file: string): LazyExoticComponent<ComponentType> {
  const load = modules[`../pages/${file}`];
  return lazy(load ?? (async () => ({ default: () => <EmptyState title="This page is not built yet" hint={`apps/ui/src/pages/${file}`} /> })));
}

const pages = {
  dashboard: page('dashboard/dashboard-page.tsx'),
  flowList: page('flows/flow-list-page.tsx'),
  flow: page('flows/flow-page.tsx'),
  executionList: page('executions/execution-list-page.tsx'),
  execution: page('executions/execution-page.tsx'),
  logSearch: page('logs/log-search-page.tsx'),
  taskRunList: page('taskruns/task-run-list-page.tsx'),
  triggerList: page('triggers/trigger-list-page.tsx'),
  namespaceList: page('namespaces/namespace-list-page.tsx'),
  namespace: page('namespaces/namespace-page.tsx'),
};

function element(Page: LazyExoticComponent<ComponentType>) {
  return (
    <Suspense fallback={<Loading />}>
      <Page />
    </Suspense>
  );
}

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: element(pages.dashboard) },
      { path: 'flows', element: element(pages.flowList) },
      { path: 'flows/new', element: element(pages.flow) },
      { path: 'flows/:namespace/:id', element: element(pages.flow) },
      { path: 'flows/:namespace/:id/:tab', element: element(pages.flow) },
      { path: 'executions', element: element(pages.executionList) },
      { path: 'executions/:id', element: element(pages.execution) },
      { path: 'executions/:id/:tab', element: element(pages.execution) },
      { path: 'logs', element: element(pages.logSearch) },
      { path: 'taskruns', element: element(pages.taskRunList) },
      { path: 'triggers', element: element(pages.triggerList) },
      { path: 'namespaces', element: element(pages.namespaceList) },
      { path: 'namespaces/:namespace', element: element(pages.namespace) },
      { path: 'namespaces/:namespace/:tab', element: element(pages.namespace) },
      { path: '*', element: <EmptyState title="Page not found" hint="Pick a page in the menu on the left." /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
