// What the Node adapter offers for matmul work, for `npm run bench`'s report: subgroups (and
// their sizes) and Dawn's experimental subgroup-matrix feature (tensor cores). Experimental
// features are listed only by an instance with Dawn's unsafe APIs allowed, so a second, throwaway
// instance is asked; the runtime itself runs on the default one.
import { SUBGROUP_MATRIX_FEATURE } from '../gpu/device';

export interface AdapterFeatureReport {
  /** Every feature the adapter lists (unsafe APIs allowed), sorted. */
  features: string[];
  subgroups: boolean;
  subgroupMinSize: number | null;
  subgroupMaxSize: number | null;
  subgroupMatrix: boolean;
}

export async function adapterFeatureReport(): Promise<AdapterFeatureReport> {
  const { create } = await import('webgpu');
  const gpu = create(['enable-dawn-features=allow_unsafe_apis']) as GPU;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const features = adapter ? [...adapter.features].map(String).sort() : [];
  const info = adapter?.info as (GPUAdapterInfo & { subgroupMinSize?: number }) | undefined;
  return {
    features,
    subgroups: features.includes('subgroups'),
    subgroupMinSize: info?.subgroupMinSize ?? null,
    subgroupMaxSize: (info as { subgroupMaxSize?: number } | undefined)?.subgroupMaxSize ?? null,
    subgroupMatrix: features.includes(SUBGROUP_MATRIX_FEATURE),
  };
}
