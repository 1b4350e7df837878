import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../common/adapter';
import {
  chooseLinearKernel,
  defaultKernelProfile,
  shapeKey,
  SWIFTSHADER_PROFILE,
  UNMEASURED_GPU_PROFILE,
  type KernelProfile,
} from './kernel-choice';

const shape = { batch: 128, inFeatures: 256, outFeatures: 256 };

describe('kernel choice', () => {
  it('recognises software adapters', () => {
    expect(
      isSoftwareAdapter('google swiftshader swiftshader-device-subzero- SwiftShader driver 5.0.0'),
    ).toBe(true);
    expect(isSoftwareAdapter('mesa llvmpipe')).toBe(true);
    expect(isSoftwareAdapter('nvidia hopper NVIDIA H100')).toBe(false);
    expect(defaultKernelProfile('SwiftShader')).toBe(SWIFTSHADER_PROFILE);
    expect(defaultKernelProfile('NVIDIA H100')).toBe(UNMEASURED_GPU_PROFILE);
  });

  it('on SwiftShader takes the compressed path below the measured crossover only', () => {
    for (const d of [0.15, 0.1, 0.05, 0])
      expect(chooseLinearKernel(shape, d, SWIFTSHADER_PROFILE)).toBe('csr');
    for (const d of [1, 0.5, 0.25])
      expect(chooseLinearKernel(shape, d, SWIFTSHADER_PROFILE)).toBe('masked-dense');
  });

  it('applies the threshold inclusively, and per-shape thresholds first', () => {
    expect(chooseLinearKernel(shape, 0.1, UNMEASURED_GPU_PROFILE)).toBe('csr');
    expect(chooseLinearKernel(shape, 0.11, UNMEASURED_GPU_PROFILE)).toBe('masked-dense');
    const p: KernelProfile = {
      source: 't',
      measured: true,
      csrMaxDensity: 0.05,
      byShape: { [shapeKey(shape)]: 0.5 },
    };
    expect(chooseLinearKernel(shape, 0.5, p)).toBe('csr');
    expect(chooseLinearKernel({ ...shape, batch: 64 }, 0.5, p)).toBe('masked-dense');
    expect(shapeKey(shape)).toBe('128x256x256');
  });
});
