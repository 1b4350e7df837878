// Awkward matmul shapes shared by the GPU-vs-reference tests: not multiples of tiles (64, 16,
// 256), ones, tile +- 1, and a long reduction.
export const matmulShapes: readonly { m: number; n: number; k: number; batch: number }[] = [
  { m: 1, n: 1, k: 1, batch: 1 },
  { m: 3, n: 7, k: 5, batch: 1 },
  { m: 63, n: 65, k: 17, batch: 1 },
  { m: 64, n: 64, k: 16, batch: 1 },
  { m: 33, n: 31, k: 127, batch: 3 },
  { m: 2, n: 3, k: 2049, batch: 1 }, // K much larger than M and N
  { m: 129, n: 1, k: 7, batch: 2 },
];

/** Deterministic pseudo-random values in [-1, 1). */
export function randomValues(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}
