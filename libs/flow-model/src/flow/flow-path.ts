/** One step into a flow document: a map key or a list index. */
export type PathSegment = string | number;
export type FlowPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** Formats a path the way violations show it: `tasks[1].retry.interval`, `cases["a.b"]`. */
export function formatPath(path: FlowPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
