import { createHash, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Seconds between the Unix epoch and the KSUID epoch (2014-05-13T16:53:20Z). */
const KSUID_EPOCH = 1_400_000_000;
const NANO_ID_ALPHABET = '_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function base62(bytes: Uint8Array, length: number): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (out.length < length) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/** A version 4 UUID text made of the SHA-256 of `id`: the same id gives the same UUID (the executor's ids are base62). */
export function uuidFrom(id: string): string {
  const bytes = createHash('sha256').update(id).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A 22-character base62 id made of 128 random bits (the shape of execution and task run ids). */
export function shortId(random: Buffer): string {
  return base62(random, 22);
}

/** A K-Sortable Unique Identifier: 4 bytes of seconds since the KSUID epoch then 16 random bytes, 27 base62 characters. */
export function ksuid(now: Date, random: Buffer): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.max(0, Math.floor(now.getTime() / 1000) - KSUID_EPOCH) >>> 0, 0);
  random.copy(bytes, 4, 0, 16);
  return base62(bytes, 27);
}

/** A NanoID of `length` characters from `alphabet`; `random` gives numbers in [0, 1) (default: the crypto generator). */
export function nanoId(length = 21, alphabet = NANO_ID_ALPHABET, random?: () => number): string {
  if (!Number.isInteger(length) || length < 1) throw new TypeError(`nanoId() length must be a positive integer, not ${length}`);
  const symbols = [...alphabet];
  if (symbols.length < 2) throw new TypeError('nanoId() alphabet needs at least two characters');
  let out = '';
  for (let i = 0; i < length; i++) out += symbols[random ? Math.floor(random() * symbols.length) : randomInt(symbols.length)];
  return out;
}
