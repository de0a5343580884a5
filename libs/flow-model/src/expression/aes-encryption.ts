import { createCipheriv, createDecipheriv } from 'node:crypto';

export const IV_LENGTH = 12;
const TAG_LENGTH = 16;

function cipherFor(key: string): { algorithm: 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm'; key: Buffer } {
  const bytes = Buffer.from(key, 'base64');
  const algorithm = ({ 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' } as const)[bytes.length];
  if (!algorithm) throw new TypeError(`the encryption key must be a base64 AES key of 16, 24 or 32 bytes, got ${bytes.length} bytes`);
  return { algorithm, key: bytes };
}

/**
 * AES/GCM/NoPadding with a base64 key: base64 of the 12-byte IV, the cipher text and the 16-byte tag, the layout
 * Kestra's EncryptionService writes, so either side decrypts what the other encrypted. Empty text stays empty.
 * The caller gives the random IV (`libs/flow-model` takes its randomness as an input).
 */
export function encryptText(key: string, plaintext: string, iv: Buffer): string {
  if (plaintext === '') return plaintext;
  const { algorithm, key: bytes } = cipherFor(key);
  const cipher = createCipheriv(algorithm, bytes, iv, { authTagLength: TAG_LENGTH });
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

export function decryptText(key: string, encrypted: string): string {
  if (encrypted === '') return encrypted;
  const { algorithm, key: bytes } = cipherFor(key);
  const input = Buffer.from(encrypted, 'base64');
  if (input.length < IV_LENGTH + TAG_LENGTH) throw new TypeError('the encrypted text is too short to hold an IV and a tag');
  const decipher = createDecipheriv(algorithm, bytes, input.subarray(0, IV_LENGTH), { authTagLength: TAG_LENGTH });
  decipher.setAuthTag(input.subarray(input.length - TAG_LENGTH));
  try {
    return Buffer.concat([decipher.update(input.subarray(IV_LENGTH, input.length - TAG_LENGTH)), decipher.final()]).toString('utf8');
  } catch {
    throw new TypeError('the text cannot be decrypted with this key (wrong key or altered text)');
  }
}
