import { KESTRA_OPERATIONS } from './kestra-operations.js';
import { kestraRoots, notServedOperation } from './not-served.js';

const template = (path: string) => {
  const segments = path.split('/').filter((s) => s !== '');
  return { segments, literals: segments.filter((s) => !s.startsWith('{')).length };
};
const served = (routes: [string, string][]) => {
  const map = new Map<string, ReturnType<typeof template>[]>();
  for (const [method, path] of routes) map.set(method, [...(map.get(method) ?? []), template(path)]);
  return map;
};

describe('Kestra operations Osprey does not serve', () => {
  const operations = [
    { tag: 'executions', operation: 'delete_executions_by_ids', method: 'DELETE', path: '/executions/by-ids' },
    { tag: 'executions', operation: 'delete_execution', method: 'DELETE', path: '/executions/{executionId}' },
    { tag: 'dashboards', operation: 'get_dashboard', method: 'GET', path: '/dashboards/{id}' },
  ];
  const routes = served([['DELETE', '/executions/{executionId}']]);

  it('finds the unserved operation whose literal path a served pattern would otherwise take', () => {
    expect(notServedOperation('DELETE', '/executions/by-ids', routes, operations)?.operation).toBe('delete_executions_by_ids');
    expect(notServedOperation('DELETE', '/executions/abc', routes, operations)).toBeUndefined();
    expect(notServedOperation('GET', '/dashboards/d1', routes, operations)?.operation).toBe('get_dashboard');
    // Another method, or a path no operation has, is not Kestra's: routing (and its 404) decides.
    expect(notServedOperation('POST', '/dashboards/d1', routes, operations)).toBeUndefined();
    expect(notServedOperation('GET', '/dashboards/d1/extra', routes, operations)).toBeUndefined();
  });

  it('leaves an operation alone once a route serves it', () => {
    const all = served([['DELETE', '/executions/{executionId}'], ['DELETE', '/executions/by-ids']]);
    expect(notServedOperation('DELETE', '/executions/by-ids', all, operations)).toBeUndefined();
  });

  it("lists Kestra's operations from its client, with their roots", () => {
    expect(KESTRA_OPERATIONS).toContainEqual({ tag: 'dashboards', operation: 'get_dashboard', method: 'GET', path: '/dashboards/{id}' });
    expect(KESTRA_OPERATIONS.every((o) => o.path.startsWith('/') && !o.path.startsWith('/{tenant}'))).toBe(true);
    expect([...kestraRoots()]).toEqual(expect.arrayContaining(['dashboards', 'flows', 'metrics', 'tenants']));
    expect([...kestraRoots()].some((root) => root.startsWith('{'))).toBe(false);
  });
});
