const MASK = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK;
const mul = (a: bigint, b: bigint) => (a * b) & MASK;

function fmix(k: bigint): bigint {
  k ^= k >> 33n;
  k = mul(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = mul(k, 0xc4ceb9fe1a85ec53n);
  return k ^ (k >> 33n);
}

function mixK1(k1: bigint): bigint {
  return mul(rotl(mul(k1, C1), 31n), C2);
}

function mixK2(k2: bigint): bigint {
  return mul(rotl(mul(k2, C2), 33n), C1);
}

/**
 * MurmurHash3 x64 128-bit (seed 0) of a text's UTF-8 bytes, as lowercase hex in Guava's `HashCode.toString()` byte
 * order: the hash Kestra names per-iteration state keys with (`Hashing.hashToString`).
 */
export function murmur3Hex128(text: string): string {
  const data = Buffer.from(text, 'utf8');
  const blocks = Math.floor(data.length / 16);
  let h1 = 0n;
  let h2 = 0n;
  for (let i = 0; i < blocks; i++) {
    const k1 = data.readBigUInt64LE(i * 16);
    const k2 = data.readBigUInt64LE(i * 16 + 8);
    h1 ^= mixK1(k1);
    h1 = (mul(rotl(h1, 27n) + h2, 5n) + 0x52dce729n) & MASK;
    h2 ^= mixK2(k2);
    h2 = (mul(rotl(h2, 31n) + h1, 5n) + 0x38495ab5n) & MASK;
  }
  const tail = data.subarray(blocks * 16);
  let k1 = 0n;
  let k2 = 0n;
  for (let i = tail.length - 1; i >= 8; i--) k2 ^= BigInt(tail[i]!) << BigInt((i - 8) * 8);
  for (let i = Math.min(tail.length, 8) - 1; i >= 0; i--) k1 ^= BigInt(tail[i]!) << BigInt(i * 8);
  if (tail.length > 8) h2 ^= mixK2(k2);
  if (tail.length > 0) h1 ^= mixK1(k1);
  const length = BigInt(data.length);
  h1 ^= length;
  h2 ^= length;
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) & MASK;
  h2 = (h2 + h1) & MASK;
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(h1, 0);
  out.writeBigUInt64LE(h2, 8);
  return out.toString('hex');
}
