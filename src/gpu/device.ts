// Acquire a GPUDevice from an injected GPU object: navigator.gpu in a page or worker,
// the `webgpu` package's create() in Node (see src/testing/node-gpu.ts and src/cli/node-gpu.ts).
import { SiftError } from '../common/errors';

export interface AcquiredDevice {
  device: GPUDevice;
  /** Human-readable adapter description for benchmarks and the UI. */
  adapterName: string;
  features: string[];
}

/** Dawn's name for subgroup matrix operations (tensor cores); listed only with unsafe APIs on. */
export const SUBGROUP_MATRIX_FEATURE = 'chromium-experimental-subgroup-matrix';
const OPTIONAL_FEATURES = ['timestamp-query', 'subgroups', SUBGROUP_MATRIX_FEATURE];

export async function acquireDevice(gpu: GPU | undefined | null): Promise<AcquiredDevice> {
  if (!gpu) {
    throw new SiftError(
      'GPU_UNAVAILABLE',
      'WebGPU is not available here (navigator.gpu is missing). Use Chrome or Edge 113+, or ' +
        'Firefox 141+ / Safari 26+; on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new SiftError(
      'GPU_UNAVAILABLE',
      'WebGPU is present but no GPU adapter was found (the GPU may be blocklisted or disabled).',
    );
  }
  const want: Record<string, number> = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
    maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
  };
  // Optional features, requested where offered: timestamp queries (profiling), subgroups and
  // Dawn's experimental subgroup matrices (detected and reported; see src/gpu/kernels/matmul.ts).
  const features = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const device = await adapter.requestDevice({ requiredLimits: want, requiredFeatures: features });
  const info = adapter.info;
  const adapterName =
    [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' ') ||
    'unknown adapter';
  return { device, adapterName, features: [...device.features] as string[] };
}
