import type { prop as flowModelProp } from '@osprey/flow-model';
import type * as zod from 'zod';

/** What the SDK takes from the Osprey process that loads a plugin: the property kinds and zod that validate flows. */
export interface PluginHost {
  prop: typeof flowModelProp;
  z: typeof zod.z;
}

/** Where Osprey publishes its host before it imports a plugin (a registered symbol, shared by every copy of the SDK). */
export const PLUGIN_HOST = Symbol.for('@osprey/plugin-sdk/host');

/**
 * Called by Osprey before it imports plugins. A plugin's schemas must be built by the same flow model and zod that
 * validate flows (zod registries are per copy); a bundled `osprey` and the plugin's own `node_modules` hold other copies.
 */
export function bindPluginHost(host: PluginHost): void {
  (globalThis as Record<symbol, unknown>)[PLUGIN_HOST] = host;
}

/** The host, or this package's own flow model and zod outside Osprey (a plugin's unit tests). */
export async function pluginHost(): Promise<PluginHost> {
  const bound = (globalThis as Record<symbol, unknown>)[PLUGIN_HOST] as PluginHost | undefined;
  if (bound) return bound;
  const [{ prop }, { z }] = await Promise.all([import('@osprey/flow-model'), import('zod')]);
  return { prop, z };
}
