/**
 * Fast, stable, non-cryptographic 128-bit hash as 32 hex digits: two seeded 32-bit FNV-1a lanes
 * over the text, widened to four words by murmur3's finaliser. For identities that must not change
 * between runs (SARIF fingerprints, GitLab IDs); sha256 per finding would cost more than building
 * the rest of a 10,000-finding report.
 */
export function stableHash128(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return hex(mix(a)) + hex(mix(b)) + hex(mix(a ^ 0x9e3779b9 ^ b)) + hex(mix(b ^ 0x85ebca6b ^ Math.imul(a, 31)));
}

/** murmur3's finaliser: spreads every input bit over the whole word. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex(word: number): string {
  return BYTE_HEX[word >>> 24]! + BYTE_HEX[(word >>> 16) & 255]! + BYTE_HEX[(word >>> 8) & 255]! + BYTE_HEX[word & 255]!;
}
