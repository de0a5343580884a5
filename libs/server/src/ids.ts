import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random 22-character base62 id, the shape of Kestra's execution and task run ids. */
export function newId(): string {
  return base62(randomBytes(16));
}

/**
 * The same 22-character id for the same text: lets a repeated action (a schedule occurrence fired again
 * by a replica that took over) name the execution the first attempt created, so it is not created twice.
 */
export function idFrom(text: string): string {
  return base62(createHash('sha256').update(text).digest().subarray(0, 16));
}

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let id = '';
  while (id.length < 22) {
    id = ALPHABET[Number(n % 62n)] + id;
    n /= 62n;
  }
  return id;
}
