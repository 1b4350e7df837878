// Exact GPU selection (radix select + index-ordered ties) against the CPU reference's sort, through
// the sparse backend's mask init and RigL/SET regrowth: the same positions, bit for bit, and exact
// counts, on layers up to 1M weights with many equal scores.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../common/rng';
import { CpuSparseBackend } from '../../reference/sparse';
import type { GrowScore } from '../../tensor/sparse-backend';
import { cpuBackend, gpuBackend } from '../../testing/backends';
import { WebGpuSparseBackend } from '../sparse-backend';

const cpuSparse = new CpuSparseBackend();

async function setup() {
  const { gpu } = await gpuBackend();
  return { gpu, sparse: new WebGpuSparseBackend(gpu.ctx) };
}

function firstDifference(got: Float32Array, want: Float32Array): string {
  const i = got.findIndex((v, j) => v !== want[j]);
  return i < 0 ? 'none' : `[${i}] got ${got[i]} want ${want[i]}`;
}

function count(m: Float32Array): number {
  let c = 0;
  for (const v of m) c += v;
  return c;
}

type ValueKind = 'random' | 'quantized' | 'zeros' | 'constant';

function values(n: number, kind: ValueKind, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'random') out[i] = rng.next() * 2 - 1;
    // Four magnitudes with both signs: huge tie groups that straddle every threshold.
    else if (kind === 'quantized') out[i] = (rng.int(4) / 4) * (rng.next() < 0.5 ? -1 : 1);
    else if (kind === 'constant') out[i] = -0.5;
  }
  return out;
}

/** A mask with exactly `active` ones at random positions (from a CPU shuffle). */
function randomMask(n: number, active: number, seed: number): Float32Array {
  const idx = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const m = new Float32Array(n);
  for (let j = 0; j < active; j++) m[idx[j]] = 1;
  return m;
}

describe('maskInitRandom: exact count, same positions as the reference', () => {
  const cases = [
    { size: 1, active: 1 },
    { size: 7, active: 0 },
    { size: 7, active: 7 },
    { size: 4097, active: 410 },
    { size: 100_003, active: 9_999 },
    { size: 1_000_000, active: 100_000 },
  ];
  for (const { size, active } of cases) {
    it(`size=${size} active=${active}`, async () => {
      const { gpu, sparse } = await setup();
      const got = await gpu.read(sparse.maskInitRandom(size, active, 42));
      const want = await cpuBackend.read(cpuSparse.maskInitRandom(size, active, 42));
      expect(count(got)).toBe(active);
      expect(firstDifference(got, want)).toBe('none');
    });
  }
});

interface RegrowCase {
  size: number;
  active: number;
  drop: number;
  weights: ValueKind;
  grow: ValueKind | 'random-score';
}

const regrowCases: RegrowCase[] = [
  { size: 1, active: 1, drop: 1, weights: 'random', grow: 'random' },
  { size: 33, active: 10, drop: 3, weights: 'random', grow: 'random' },
  { size: 33, active: 33, drop: 5, weights: 'random', grow: 'random' }, // fully dense: regrow what was dropped
  { size: 5000, active: 2500, drop: 0, weights: 'random', grow: 'random' },
  { size: 5000, active: 2500, drop: 2500, weights: 'quantized', grow: 'quantized' },
  { size: 10_007, active: 1000, drop: 300, weights: 'zeros', grow: 'zeros' },
  { size: 10_007, active: 1000, drop: 300, weights: 'constant', grow: 'constant' },
  { size: 65_537, active: 6554, drop: 1966, weights: 'quantized', grow: 'random-score' },
  { size: 300_000, active: 30_000, drop: 9000, weights: 'random', grow: 'quantized' },
  { size: 1_000_000, active: 100_000, drop: 30_000, weights: 'quantized', grow: 'random' },
  { size: 1_000_000, active: 500_000, drop: 150_000, weights: 'random', grow: 'random-score' },
  { size: 1_048_576, active: 104_857, drop: 31_457, weights: 'zeros', grow: 'quantized' },
];

describe('regrow: GPU equals the reference exactly', () => {
  for (const c of regrowCases) {
    it(`size=${c.size} active=${c.active} drop=${c.drop} |w| ${c.weights}, grow ${c.grow}`, async () => {
      const { gpu, sparse } = await setup();
      const mask = randomMask(c.size, c.active, c.size + c.drop);
      // Weights are masked, as they are after every optimiser step.
      const w = values(c.size, c.weights, 5).map((v, i) => v * mask[i]);
      const grad = c.grow === 'random-score' ? null : values(c.size, c.grow, 6);
      const growOn = (b: typeof gpu | typeof cpuBackend): GrowScore =>
        grad ? { kind: 'gradient', grad: b.upload(grad) } : { kind: 'random', seed: 77 };
      const got = await gpu.read(
        sparse.regrow({
          weight: gpu.upload(w),
          mask: gpu.upload(mask),
          activeCount: c.active,
          dropCount: c.drop,
          grow: growOn(gpu),
        }),
      );
      const want = await cpuBackend.read(
        cpuSparse.regrow({
          weight: cpuBackend.upload(w),
          mask: cpuBackend.upload(mask),
          activeCount: c.active,
          dropCount: c.drop,
          grow: growOn(cpuBackend),
        }),
      );
      expect(count(want)).toBe(c.active);
      expect(count(got)).toBe(c.active);
      expect(firstDifference(got, want)).toBe('none');
      if (c.drop > 0 && c.active < c.size) {
        // The update did something: the mask moved.
        expect(firstDifference(got, mask)).not.toBe('none');
      }
    });
  }

  it('ties: lower index kept first and grown first', async () => {
    const { gpu, sparse } = await setup();
    // All 6 active weights equal: the 4 lowest indices are kept. Grads are equal except a smaller
    // one at index 0, which must lose to the equal larger ones despite its lower index.
    const mask = Float32Array.from([0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0]);
    const w = mask.map((m) => m * 0.5);
    const g = new Float32Array(12).fill(1);
    g[0] = 0.25; // a smaller grad at a lower index must lose to equal larger ones
    const run = async (b: typeof gpu | typeof cpuBackend, s: typeof sparse | typeof cpuSparse) =>
      Array.from(
        await b.read(
          s.regrow({
            weight: b.upload(w),
            mask: b.upload(mask),
            activeCount: 6,
            dropCount: 2,
            grow: { kind: 'gradient', grad: b.upload(g) },
          }),
        ),
      );
    // keep {1, 3, 4, 6}, drop {8, 10}; grow the two largest |g| outside the kept set: 2 and 5.
    expect(await run(cpuBackend, cpuSparse)).toEqual([0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(await run(gpu, sparse)).toEqual([0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('ties ending exactly at a block boundary (16384 positions per block)', async () => {
    const { gpu, sparse } = await setup();
    // The first 2 blocks are all active with |w| = 0: keeping 16384 of them takes all of block 0
    // and none of block 1, whose first equal key has rank == need.
    const size = 40_000;
    const mask = Float32Array.from({ length: size }, (_, i) => (i < 32_768 ? 1 : 0));
    const w = new Float32Array(size);
    const request = (b: typeof gpu | typeof cpuBackend) => ({
      weight: b.upload(w),
      mask: b.upload(mask),
      activeCount: 32_768,
      dropCount: 16_384,
      grow: { kind: 'random', seed: 3 } as GrowScore,
    });
    const got = await gpu.read(sparse.regrow(request(gpu)));
    const want = await cpuBackend.read(cpuSparse.regrow(request(cpuBackend)));
    expect(count(got)).toBe(32_768);
    expect(got.subarray(0, 16_384).every((v) => v === 1)).toBe(true);
    expect(firstDifference(got, want)).toBe('none');
  });

  it('rejects impossible counts', async () => {
    const { gpu, sparse } = await setup();
    const m = gpu.upload(new Float32Array(4));
    expect(() =>
      sparse.regrow({
        weight: m,
        mask: m,
        activeCount: 2,
        dropCount: 3,
        grow: { kind: 'random', seed: 1 },
      }),
    ).toThrow();
  });
});
