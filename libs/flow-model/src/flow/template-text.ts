/** True for text holding a Pebble expression or tag, whose value is only known at run time. */
export function isTemplate(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
}
