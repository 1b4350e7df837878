// One compute pipeline per (kernel, entry point, override constants), built on first use and
// reused for every later dispatch; shader modules are shared between entry points of one file.
import type { Kernel, OverrideConstants } from './kernel';

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<Kernel, GPUBindGroupLayout>();
  misses = 0;
  hits = 0;

  constructor(private readonly device: GPUDevice) {}

  get(kernel: Kernel, constants: OverrideConstants): CachedPipeline {
    const key = `${kernel.name}|${kernel.entryPoint}|${constantsKey(constants)}`;
    const found = this.pipelines.get(key);
    if (found) {
      this.hits++;
      return found;
    }
    this.misses++;
    const layout = this.layoutFor(kernel);
    const pipeline = this.device.createComputePipeline({
      label: `${kernel.name}.pipeline`,
      layout: this.device.createPipelineLayout({
        label: `${kernel.name}.layout`,
        bindGroupLayouts: [layout],
      }),
      compute: {
        module: this.moduleFor(kernel),
        entryPoint: kernel.entryPoint,
        constants: toGpuConstants(constants),
      },
    });
    const entry = { pipeline, layout };
    this.pipelines.set(key, entry);
    return entry;
  }

  get size(): number {
    return this.pipelines.size;
  }

  private moduleFor(kernel: Kernel): GPUShaderModule {
    let module = this.modules.get(kernel.source);
    if (!module) {
      module = this.device.createShaderModule({
        label: `${kernel.name}.wgsl`,
        code: kernel.source,
      });
      this.modules.set(kernel.source, module);
    }
    return module;
  }

  private layoutFor(kernel: Kernel): GPUBindGroupLayout {
    let layout = this.layouts.get(kernel);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = kernel.bindings.map((access, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: access === 'read' ? 'read-only-storage' : 'storage' },
      }));
      entries.push({
        binding: kernel.bindings.length,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: kernel.paramsBytes },
      });
      layout = this.device.createBindGroupLayout({ label: `${kernel.name}.bgl`, entries });
      this.layouts.set(kernel, layout);
    }
    return layout;
  }
}

function constantsKey(c: OverrideConstants): string {
  return Object.keys(c)
    .sort()
    .map((k) => `${k}=${String(c[k])}`)
    .join(',');
}

function toGpuConstants(c: OverrideConstants): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) out[k] = typeof v === 'boolean' ? Number(v) : v;
  return out;
}
