// Kestra's TruthUtils: only these exact texts are false; every other text, including "False" or " false", is true.
const FALSE_VALUES = new Set(['false', '0', '-0', '']);

/** Whether a rendered condition is true the way Kestra's runnable tasks read one (Fail, Assert). */
export function isTruthyText(text: string | undefined): boolean {
  return text !== undefined && !FALSE_VALUES.has(text);
}
