// Startup tuning on the adapter in use, shared by the page's worker and the CLI: the matmul
// variants (src/gpu/kernels/matmul-tune.ts) and the sparse kernel-choice profile
// (measureKernelProfile), each measured once per adapter and kept in the adapter cache
// (src/gpu/adapter-cache.ts). Software adapters use their measured defaults without timing
// anything (SwiftShader would spend minutes on it). Bounded: the matmul search has a time budget;
// the profile times two passes at a fixed list of shapes and densities.
import { isSoftwareAdapter } from '../common/adapter';
import { cachedMeasurement, type AdapterStore } from '../gpu/adapter-cache';
import { tuneMatmul, type MatmulTuneResult } from '../gpu/kernels/matmul-tune';
import type { GpuRuntime } from '../gpu/runtime';
import { defaultKernelProfile, type KernelProfile } from '../sparse/kernel-choice';
import type { LinearShape } from '../tensor/sparse-backend';
import { measureKernelProfile } from './sparse-bench';

/** Bump when the sparse kernels or the measurement change. */
export const KERNEL_PROFILE_VERSION = 1;

/** Layer products the profile is measured at: an MLP layer and a GPT block's at two batches. */
export const PROFILE_SHAPES: readonly LinearShape[] = [
  { batch: 128, inFeatures: 512, outFeatures: 512 },
  { batch: 1024, inFeatures: 1024, outFeatures: 1024 },
  { batch: 1024, inFeatures: 4096, outFeatures: 1024 },
];
export const PROFILE_DENSITIES = [1, 0.5, 0.25, 0.1, 0.05] as const;

export interface AdapterTuning {
  matmul: MatmulTuneResult;
  kernelProfile: KernelProfile;
  /** 'cache' | 'measured' | 'default', as for the matmul. */
  profileOrigin: MatmulTuneResult['origin'];
}

function parseProfile(raw: unknown): KernelProfile | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const p = raw as Partial<KernelProfile>;
  if (typeof p.source !== 'string' || typeof p.csrMaxDensity !== 'number') return null;
  if (!(p.csrMaxDensity >= 0 && p.csrMaxDensity <= 1)) return null;
  const byShape = p.byShape ?? {};
  if (typeof byShape !== 'object' || Object.values(byShape).some((v) => typeof v !== 'number')) {
    return null;
  }
  return { source: p.source, measured: true, csrMaxDensity: p.csrMaxDensity, byShape };
}

/** Tune the runtime (matmul variants set on it) and return the kernel profile to train with. */
export async function tuneAdapter(
  rt: GpuRuntime,
  store: AdapterStore,
  { shapes = PROFILE_SHAPES }: { shapes?: readonly LinearShape[] } = {},
): Promise<AdapterTuning> {
  const matmul = await tuneMatmul(rt, { store });
  if (isSoftwareAdapter(rt.adapterName)) {
    return {
      matmul,
      kernelProfile: defaultKernelProfile(rt.adapterName),
      profileOrigin: 'default',
    };
  }
  const { value, fromCache } = await cachedMeasurement(store, {
    topic: 'kernel-profile',
    version: KERNEL_PROFILE_VERSION,
    adapter: rt.adapterName,
    parse: parseProfile,
    measure: () => measureKernelProfile(rt, shapes, PROFILE_DENSITIES),
  });
  return { matmul, kernelProfile: value, profileOrigin: fromCache ? 'cache' : 'measured' };
}
