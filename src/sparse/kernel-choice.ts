// Which execution path a sparse linear (or im2col conv) product takes: the masked-dense path
// (W*M, then the dense matmul; cost independent of density) or the compressed zero-skipping path
// (CSR/CSC + SDDMM; cost proportional to density). Pure: the numbers come from a profile.
// On software adapters the profile is SWIFTSHADER_PROFILE (measured once, BENCHMARKS.md: the
// crossover sits near density 0.15). On a hardware adapter the app and the CLI measure it at
// first use (measureKernelProfile, src/bench/adapter-tuning.ts) and keep it in the adapter cache;
// UNMEASURED_GPU_PROFILE is the guess used until then, or where measuring is switched off.
import { isSoftwareAdapter } from '../common/adapter';
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
