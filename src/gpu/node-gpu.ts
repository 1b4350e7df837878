// WebGPU in Node through the `webgpu` package (Dawn). Used by tests, the CLI and benchmarks only.
// Without a GPU, Dawn needs a Vulkan driver: Chromium's SwiftShader ICD works (Mesa's lavapipe is
// rejected), so point the Vulkan loader at it unless the caller chose another driver.
import { existsSync } from 'node:fs';
import { acquireDevice } from './device';
import { GpuRuntime, type RuntimeOptions } from './runtime';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let gpuPromise: Promise<GPU> | null = null;

/** The process's one GPU object (also handed to TensorFlow.js by the bench's Node peer). */
export function sharedNodeGpu(): Promise<GPU> {
  gpuPromise ??= nodeGpu();
  return gpuPromise;
}

async function nodeGpu(): Promise<GPU> {
  if (
    !process.env.VK_ICD_FILENAMES &&
    !process.env.SIFT_NATIVE_VULKAN &&
    existsSync(SWIFTSHADER_ICD)
  ) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  return create([]) as GPU;
}

/** A fresh runtime on Node's WebGPU (one Dawn instance per process, many devices allowed). */
export async function createNodeRuntime(options: RuntimeOptions = {}): Promise<GpuRuntime> {
  const { device, adapterName } = await acquireDevice(await sharedNodeGpu());
  return new GpuRuntime(device, adapterName, options);
}
