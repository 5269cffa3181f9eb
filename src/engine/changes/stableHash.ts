/**
 * A short, stable hash of a text (FNV-1a, 64 bits as two 32-bit halves, hex). Pure and deterministic so the
 * digest can name "these exact rules" in a grant's key without carrying them: two digests compiled months
 * apart agree on it. Not a security boundary — only change detection.
 */
export function stableHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
