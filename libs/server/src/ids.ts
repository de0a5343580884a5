import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random 22-character base62 id, the shape of Kestra's execution and task run ids. */
export function newId(): string {
  const bytes = randomBytes(16);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let id = '';
  while (id.length < 22) {
    id = ALPHABET[Number(n % 62n)] + id;
    n /= 62n;
  }
  return id;
}
