// Which execution path a sparse linear (or im2col conv) product takes: the masked-dense path
// (W*M, then the dense tiled matmul; cost independent of density) or the compressed zero-skipping
// path (CSR/CSC + SDDMM; cost proportional to density). Pure: the numbers come from a profile,
// measured by src/bench/sparse-bench.ts (benchSparseLinear / measureKernelProfile).
//
// On SwiftShader (Dawn, 2-core Xeon; BENCHMARKS.md, "Sparse layer") the crossover sits near
// density 0.15: masked-dense wins above it since the register-blocked dense matmul landed, the
// compressed path below (SWIFTSHADER_PROFILE). No hardware GPU was available to measure; there
// the dense matmul should win at higher density still, so the default for hardware adapters is
// a conservative guess (compressed at density <= 0.1 only) that measureKernelProfile() should
// replace at startup.
import type { LinearShape } from '../tensor/sparse-backend';

export type LinearKernel = 'masked-dense' | 'csr';

export interface KernelProfile {
  /** Where the numbers come from (adapter and how they were obtained). */
  source: string;
  /** True when the thresholds were measured on this kind of device, false for a guess. */
  measured: boolean;
  /** The compressed path is used at densities <= this (1: always; 0: only for empty layers). */
  csrMaxDensity: number;
  /** Measured thresholds for particular shapes (key: shapeKey), taking precedence. */
  byShape?: Readonly<Record<string, number>>;
}

// Re-measured after the register-blocked dense matmul landed (BENCHMARKS.md): masked-dense now
// wins at density >= 0.25 (128x512->512 layer step: 60.8 ms vs 233.5 ms at density 1) and the
// compressed path below (67.8 vs 31.2 ms at 0.1); the crossover sits near 0.15.
export const SWIFTSHADER_PROFILE: KernelProfile = {
  source: 'SwiftShader (Dawn in Node and Chromium), measured: compressed path faster below ~0.15',
  measured: true,
  csrMaxDensity: 0.15,
};

export const UNMEASURED_GPU_PROFILE: KernelProfile = {
  source: 'hardware GPU, not measured: conservative guess, calibrate with measureKernelProfile',
  measured: false,
  csrMaxDensity: 0.1,
};

/** Key of a product shape in KernelProfile.byShape. */
export const shapeKey = (s: LinearShape): string => `${s.batch}x${s.inFeatures}x${s.outFeatures}`;

/** Software rasterisers that run WGSL on the CPU (SwiftShader, llvmpipe/lavapipe). */
export function isSoftwareAdapter(adapterName: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|software/i.test(adapterName);
}

/** The profile to use before (or instead of) measuring on the device at hand. */
export function defaultKernelProfile(adapterName: string): KernelProfile {
  return isSoftwareAdapter(adapterName) ? SWIFTSHADER_PROFILE : UNMEASURED_GPU_PROFILE;
}

/** The faster path for a product of `shape` at `density`, according to `profile`. */
export function chooseLinearKernel(
  shape: LinearShape,
  density: number,
  profile: KernelProfile,
): LinearKernel {
  const threshold = profile.byShape?.[shapeKey(shape)] ?? profile.csrMaxDensity;
  return density <= threshold ? 'csr' : 'masked-dense';
}
