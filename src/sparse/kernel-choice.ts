// Which execution path a sparse linear (or im2col conv) product takes: the masked-dense path
// (W*M, then the dense tiled matmul; cost independent of density) or the compressed zero-skipping
// path (CSR/CSC + SDDMM; cost proportional to density). Pure: the numbers come from a profile,
// measured by src/bench/sparse-bench.ts (benchSparseLinear / measureKernelProfile).
//
// Measured on this project's machine (Dawn + SwiftShader, 2-core Xeon, shared with other jobs;
// numbers in the BENCHMARKS.md table): the compressed path was faster at EVERY density measured,
// 1 down to 0.05, on all 7 shapes tried (batch 4..2048, 64..768 features). A whole layer step
// (forward, dx, masked dW) was 2.3-6x faster at density 1 (the tiled matmul pays for workgroup
// barriers on a CPU; the compressed kernel has none and reads 4 batch rows per vec4 load) and
// 14-48x faster at density 0.1. So on SwiftShader the threshold is density 1 (always compressed).
// No hardware GPU was available to measure; there the dense tiled matmul should win at high
// density, so the default for hardware adapters is a conservative guess (compressed at density
// <= 0.1 only) that measureKernelProfile() should replace at startup.
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
