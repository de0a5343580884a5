import type { TestFunction } from './evaluation-context.js';
import { isEmptyValue, isMap, isNumber, toNumber } from './pebble-values.js';

function parsesAsJson(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/** `x is <test>`; `defined` is handled by the evaluator because it must catch missing values. */
export const TESTS: Record<string, TestFunction> = {
  null: (input) => input === null || input === undefined,
  empty: (input) => isEmptyValue(input),
  even: (input) => isNumber(input) && toNumber(input) % 2 === 0,
  odd: (input) => isNumber(input) && Math.abs(toNumber(input) % 2) === 1,
  iterable: (input) => Array.isArray(input) || isMap(input),
  map: (input) => isMap(input),
  json: (input) => parsesAsJson(input),
  divisibleBy: (input, args) => toNumber(input) % toNumber(args.get(0, 'divisor')) === 0,
};
