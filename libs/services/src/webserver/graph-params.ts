import { InvalidArgumentError } from '../invalid-argument-error.js';

/** Kestra's `subflows` parameter of the graph endpoints, declared so that a client sending it learns why it is refused. */
export const SUBFLOWS_QUERY = {
  name: 'subflows',
  required: false,
  type: String,
  isArray: true,
  description: 'Subflow tasks to expand into their flow\'s graph: not supported, a value is a 400 (the Subflow task is one node).',
} as const;

export function refuseSubflows(subflows: string | string[] | undefined): void {
  const values = (Array.isArray(subflows) ? subflows : subflows === undefined ? [] : [subflows]).filter((v) => v !== '');
  if (values.length > 0) throw new InvalidArgumentError('subflows', `expanding subflow tasks in a graph is not supported (asked for ${values.join(', ')}): each Subflow task is drawn as one node`);
}
