import { double, isDouble, toNumber } from './pebble-values.js';

/** Pebble's `range(a, b, step)` and `a..b`: inclusive bounds, chars or numbers. */
export function range(from: unknown, to: unknown, step: unknown = 1): unknown[] {
  const s = toNumber(step);
  if (s === 0) throw new RangeError('range() step must not be 0');
  if (typeof from === 'string' && typeof to === 'string' && from.length === 1 && to.length === 1) {
    const out: string[] = [];
    for (let c = from.charCodeAt(0); s > 0 ? c <= to.charCodeAt(0) : c >= to.charCodeAt(0); c += s) out.push(String.fromCharCode(c));
    return out;
  }
  const a = toNumber(from);
  const b = toNumber(to);
  const size = Math.floor((b - a) / s) + 1;
  if (size > 1_000_000) throw new RangeError(`range() would produce ${size} elements, more than the 1000000 allowed`);
  const out: unknown[] = [];
  const asDouble = isDouble(from) || isDouble(to) || isDouble(step);
  for (let i = a; s > 0 ? i <= b : i >= b; i += s) out.push(asDouble ? double(i) : i);
  return out;
}

