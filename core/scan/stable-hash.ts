/**
 * Fast, stable, non-cryptographic 128-bit hash of fields.join("\u0000") as 32 hex digits, computed
 * without joining: two seeded 32-bit FNV-1a lanes over the text, widened to four words by murmur3's
 * finaliser. For identities that must not change between runs (SARIF fingerprints, GitLab IDs);
 * sha256 per finding would cost more than building the rest of a 10,000-finding report.
 */
export function stableHash128OfFields(fields: readonly string[]): string {
  const [w0, w1, w2, w3] = hashWords(fields);
  return hex8(w0) + hex8(w1) + hex8(w2) + hex8(w3);
}

/**
 * A UUID-shaped ID (version 5 layout) from stableHash128OfFields(fields): its 32 hex digits grouped
 * 8-4-4-4-12, with the 13th digit replaced by the version, 5, and the top bits of the 17th set to
 * the RFC 4122 variant, 10.
 */
export function stableUuidOfFields(fields: readonly string[]): string {
  const [w0, w1, w2, w3] = hashWords(fields);
  return `${hex8(w0)}-${hex4(w1 >>> 16)}-5${hex3(w1 & 0xfff)}-${HEX[((w2 >>> 28) & 3) | 8]}${hex3((w2 >>> 16) & 0xfff)}-${hex4(w2 & 0xffff)}${hex8(w3)}`;
}

function hashWords(fields: readonly string[]): [number, number, number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let f = 0; f < fields.length; f++) {
    if (f > 0) {
      // The "\u0000" between two fields: FNV-1a's xor with 0 leaves only the multiplication.
      a = Math.imul(a, 0x01000193);
      b = Math.imul(b, 0x5bd1e995);
    }
    const text = fields[f]!;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
  }
  return [mix(a), mix(b), mix(a ^ 0x9e3779b9 ^ b), mix(b ^ 0x85ebca6b ^ Math.imul(a, 31))];
}

/** murmur3's finaliser: spreads every input bit over the whole word. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const HEX = "0123456789abcdef";
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The low 12 bits as 3 hex digits. */
function hex3(bits: number): string {
  return HEX[bits >>> 8]! + BYTE_HEX[bits & 255]!;
}

/** The low 16 bits as 4 hex digits. */
function hex4(bits: number): string {
  return BYTE_HEX[bits >>> 8]! + BYTE_HEX[bits & 255]!;
}

function hex8(word: number): string {
  return hex4(word >>> 16) + hex4(word & 0xffff);
}
