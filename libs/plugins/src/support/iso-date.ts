import { TaskPropertyError } from './task-errors.js';

/** A rendered date property as an ISO instant; a date without time or offset is refused by the property's name. */
export function isoDate(name: string, text: string): string {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || isNaN(time)) throw new TaskPropertyError(name, `expected an ISO date-time with an offset (2024-01-31T10:00:00Z) but got '${text}'`);
  return new Date(time).toISOString();
}
