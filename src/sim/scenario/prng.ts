/**
 * A small deterministic PRNG (sfc32, seeded through cyrb128) for synthetic tenants: the same seed gives
 * the same tenant on every machine and Node version, which Math.random cannot promise.
 */

/** cyrb128: four 32-bit seeds from a string. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Lower-case hex digits as char codes. */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
/** Reused per call: a UUID is written into it as char codes and turned into one flat string. */
const UUID_CODES = new Array<number>(36).fill(DASH);
/** Positions of the 32 hex digits in a UUID string. */
const UUID_DIGITS = Array.from({ length: 36 }, (_, i) => i).filter((i) => i !== 8 && i !== 13 && i !== 18 && i !== 23);

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | number) {
    [this.a, this.b, this.c, this.d] = cyrb128(String(seed));
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  next32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1). */
  next(): number {
    return this.next32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /**
   * A random (version 4) UUID, built as one flat string: concatenating pieces would leave a tree of
   * string fragments per id, which at 500,000 role assignments costs hundreds of megabytes.
   */
  uuid(): string {
    let word = 0;
    for (let d = 0; d < 32; d++) {
      if (d % 8 === 0) word = this.next32();
      let nibble = (word >>> (28 - (d % 8) * 4)) & 0xf;
      if (d === 12) nibble = 4;
      else if (d === 16) nibble = (nibble & 0x3) | 0x8;
      UUID_CODES[UUID_DIGITS[d] ?? 0] = HEX_CODES[nibble] ?? DASH;
    }
    return String.fromCharCode(...UUID_CODES);
  }
}
