// Counter-based random numbers: value i of stream `seed` is a pure function of (seed, i), so the
// GPU (shaders/lib-random.wgsl) and this CPU version produce the same bits, in any order.
// The mixer is "lowbias32" (Chris Wellons' hash-prospector), applied twice with the seed folded in.

export function hashU32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The u32 at position `index` of stream `seed` (same as random_u32 in lib-random.wgsl). */
export function randomU32(seed: number, index: number): number {
  return hashU32(hashU32(index >>> 0) ^ hashU32((seed >>> 0) ^ 0x9e3779b9));
}

/** Uniform in [0, 1) with 24 bits, as random_uniform in lib-random.wgsl. */
export function randomUniform(seed: number, index: number): number {
  return (randomU32(seed, index) >>> 8) / 16777216;
}

/** A small sequential PRNG for CPU-side choices (shuffles, init). */
export class Rng {
  private counter = 0;
  constructor(readonly seed: number) {}
  nextU32(): number {
    return randomU32(this.seed, this.counter++);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return randomUniform(this.seed, this.counter++);
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u1 = Math.max(this.next(), 1e-12);
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
