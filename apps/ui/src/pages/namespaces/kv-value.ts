/** Turning what a person typed in the KV form into the JSON value the API stores, and back. */

export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'JSON'] as const;
export type KvFormType = (typeof KV_TYPES)[number];

export type ParsedKv = { ok: true; value: unknown } | { ok: false; error: string };

export function parseKvInput(type: KvFormType, text: string): ParsedKv {
  switch (type) {
    case 'STRING':
      return { ok: true, value: text };
    case 'NUMBER': {
      const n = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'Not a number' };
    }
    case 'BOOLEAN':
      return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : { ok: false, error: 'Choose true or false' };
    case 'JSON':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch (e) {
        return { ok: false, error: `Not JSON: ${(e as Error).message}` };
      }
  }
}

/** The form's type and text for a stored value (the API's type names; dates and durations are edited as text). */
export function kvFormOf(type: string, value: unknown): { type: KvFormType; text: string } {
  if (type === 'NUMBER' && typeof value === 'number') return { type: 'NUMBER', text: String(value) };
  if (type === 'BOOLEAN' && typeof value === 'boolean') return { type: 'BOOLEAN', text: String(value) };
  if (typeof value === 'string') return { type: 'STRING', text: value };
  return { type: 'JSON', text: JSON.stringify(value, null, 2) };
}

/** A TTL as the API's `ttl` header takes it: an ISO-8601 duration such as PT1H or P7D; empty means no expiry. */
export function isIsoDuration(text: string): boolean {
  return /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(text.trim());
}
