/**
 * A boolean property read as written: true or 'true' is true, false or 'false' is false, anything else (absent)
 * is `defaultValue`. Its schema (`prop.boolean({ expressions: false })`) refuses any other value at load.
 */
export function flag(value: unknown, defaultValue: boolean): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return defaultValue;
}
