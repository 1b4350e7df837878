// What a training run needs from the WebGPU side, in one place for every composition root (the
// worker, the CLI, the benchmarks and the GPU tests): both backends on one device, the adapter's
// name, and a queue sync.
import type { WebGpuBackend } from './backend';
import { WebGpuSparseBackend } from './sparse-backend';

export function webGpuRunParts(gpu: WebGpuBackend) {
  return {
    backend: gpu,
    sparse: new WebGpuSparseBackend(gpu.ctx),
    adapterName: gpu.rt.adapterName,
    sync: () => gpu.rt.sync(),
  };
}
