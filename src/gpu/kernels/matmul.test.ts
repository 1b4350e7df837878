import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../../common/adapter';
import {
  defaultMatmulTuning,
  LARGE_OUTPUTS,
  MATMUL_TILES,
  planMatmul,
  registerWorkgroup,
  squarePlan,
  type MatmulTuning,
} from './matmul';

describe('software adapter detection (the one detector)', () => {
  it('recognises CPU adapters by the names Dawn, Chromium, Mesa and Windows give them', () => {
    for (const name of [
      'google swiftshader swiftshader-device-subzero- SwiftShader driver 5.0.0',
      'google swiftshader',
      'mesa llvmpipe (LLVM 15.0.6, 256 bits)',
      'mesa lavapipe',
      'Microsoft Basic Render Driver',
      'microsoft warp',
    ]) {
      expect(isSoftwareAdapter(name), name).toBe(true);
    }
    for (const name of [
      'nvidia hopper NVIDIA H100 80GB HBM3',
      'apple metal-3',
      'unknown adapter',
    ]) {
      expect(isSoftwareAdapter(name), name).toBe(false);
    }
  });

  it('gives software adapters the register kernel and GPUs shared-memory tiles', () => {
    expect(defaultMatmulTuning('google swiftshader')).toEqual({
      small: 'register',
      large: 'register',
      splitK: false,
    });
    expect(defaultMatmulTuning('nvidia hopper NVIDIA H100').large).toBe('tile128x128');
  });
});

describe('planMatmul', () => {
  const gpu: MatmulTuning = { small: 'tile64x64', large: 'tile128x128', splitK: true };

  it('takes the small variant below LARGE_OUTPUTS and the large one from there', () => {
    expect(planMatmul(gpu, squarePlan(512)).variant).toBe('tile64x64');
    expect(planMatmul(gpu, squarePlan(Math.sqrt(LARGE_OUTPUTS))).variant).toBe('tile128x128');
    expect(planMatmul(gpu, squarePlan(2048)).workgroups).toEqual([16, 16, 1]);
  });

  it('splits K of skinny long products into whole tiles, covering K exactly once', () => {
    // A conv weight gradient: 16 x 144 outputs, K = 25,088 (one 64 x 64 tile row, 3 tiles).
    const p = { ...squarePlan(16), n: 144, k: 25088 };
    const launch = planMatmul(gpu, p);
    expect(launch.splits).toBeGreaterThan(1);
    expect(launch.kChunk % MATMUL_TILES.tile64x64.TK).toBe(0);
    expect(launch.kChunk * launch.splits).toBeGreaterThanOrEqual(p.k);
    expect(launch.kChunk * (launch.splits - 1)).toBeLessThan(p.k);
    expect(launch.workgroups).toEqual([3, 1, launch.splits]);
    // Off when the tuning says so, when K is short, and when the grid is already full.
    expect(planMatmul({ ...gpu, splitK: false }, p).splits).toBe(1);
    expect(planMatmul(gpu, { ...p, k: 600 }).splits).toBe(1);
    expect(planMatmul(gpu, { ...squarePlan(4096) }).splits).toBe(1);
  });

  it('honours a forced split count, trimming slices that would be empty', () => {
    const p = { ...squarePlan(8), k: 20 };
    expect(planMatmul({ ...gpu, forceSplits: 2 }, p)).toMatchObject({ splits: 2, kChunk: 16 });
    expect(planMatmul({ ...gpu, forceSplits: 5 }, p)).toMatchObject({ splits: 3, kChunk: 8 });
  });

  it('never splits the register kernel', () => {
    const sw: MatmulTuning = { small: 'register', large: 'register', splitK: true, forceSplits: 4 };
    expect(planMatmul(sw, { ...squarePlan(16), k: 25088 }).splits).toBe(1);
  });
});

describe('registerWorkgroup', () => {
  const shapes = [
    [1, 1],
    [2, 3],
    [1, 1024],
    [1024, 1],
    [16, 16],
    [25088, 16],
    [8192, 64],
    [1024, 1024],
    [300, 200],
  ] as const;

  it.each(shapes)('m=%i n=%i: at most 64 threads, powers of two', (m, n) => {
    const [x, y] = registerWorkgroup(m, n);
    expect(x * y).toBeLessThanOrEqual(64);
    expect(Number.isInteger(Math.log2(x)) && Number.isInteger(Math.log2(y))).toBe(true);
  });

  it('fits narrow outputs with few columns of threads and wide ones with eight', () => {
    expect(registerWorkgroup(25088, 16)).toEqual([2, 32]); // a 16-channel conv: 16 columns
    expect(registerWorkgroup(1024, 1024)).toEqual([8, 8]);
    expect(registerWorkgroup(1, 1024)).toEqual([64, 1]); // one row: spread along n
    expect(registerWorkgroup(2, 3)).toEqual([1, 1]);
  });
});
