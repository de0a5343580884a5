/** Kestra's truthiness of a rendered condition. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  const text = String(value).trim().toLowerCase();
  return !(text === '' || text === 'false' || text === '0' || text === '-0' || text === '0.0' || text === 'null');
}
