import { describe, expect, it } from 'vitest';
import { defaultMatmulVariant, isCpuAdapter, registerWorkgroup } from './matmul';

describe('matmul variant choice', () => {
  it('sends software adapters to the register kernel and GPUs to the tiled one', () => {
    // Names as src/gpu/device.ts builds them in Node (Dawn) and in Chromium.
    expect(
      defaultMatmulVariant(
        'google swiftshader swiftshader-device-subzero- SwiftShader driver 5.0.0',
      ),
    ).toBe('register');
    expect(defaultMatmulVariant('google swiftshader')).toBe('register');
    expect(isCpuAdapter('mesa llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(defaultMatmulVariant('nvidia hopper NVIDIA H100 80GB HBM3')).toBe('tiled');
    expect(defaultMatmulVariant('apple metal-3')).toBe('tiled');
    expect(defaultMatmulVariant('unknown adapter')).toBe('tiled');
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
