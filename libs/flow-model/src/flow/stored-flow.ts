import type { Flow } from './flow.js';

/** A saved revision of a flow: its source as written and the flow parsed from it. */
export interface StoredFlow {
  namespace: string;
  id: string;
  revision: number;
  source: string;
  disabled: boolean;
  deleted: boolean;
  updated: string;
  /** The parsed flow, as validated when saved. */
  flow: Flow;
}
