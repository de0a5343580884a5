import type { ServiceInstance } from '@osprey/repository';
import type { ServiceRole } from '../service-role.js';

/** The instance type of a process in heartbeats: its role when it runs one, STANDALONE for several. */
export function instanceTypeOf(roles: readonly ServiceRole[]): ServiceInstance['type'] {
  return roles.length === 1 ? (roles[0]!.toUpperCase() as ServiceInstance['type']) : 'STANDALONE';
}
