// Every kernel defined in this folder, collected from the modules' exports, for checks that must
// cover them all (src/gpu/kernel-params.test.ts, src/gpu/shaders-compile.gpu.test.ts). Not used
// at run time: kernels are imported from their own modules.
import type { Kernel } from '../kernel';

// Eager glob: a new kernel module is picked up without editing this file.
const modules = import.meta.glob<Record<string, unknown>>(
  ['./*.ts', '!./*.test.ts', '!./index.ts'],
  {
    eager: true,
  },
);

function isKernel(value: unknown): value is Kernel {
  if (typeof value !== 'object' || value === null) return false;
  const k = value as Partial<Kernel>;
  return (
    typeof k.name === 'string' &&
    typeof k.source === 'string' &&
    typeof k.entryPoint === 'string' &&
    Array.isArray(k.bindings) &&
    Array.isArray(k.params) &&
    typeof k.paramsBytes === 'number'
  );
}

export interface RegisteredKernel {
  /** Module file name, e.g. 'matmul.ts'. */
  module: string;
  /** Export name, e.g. 'matmulKernel'. */
  exportName: string;
  kernel: Kernel;
}

/** All exported kernels, by module then export name. */
export const allKernels: readonly RegisteredKernel[] = Object.entries(modules)
  .sort(([a], [b]) => a.localeCompare(b))
  .flatMap(([path, exports]) =>
    Object.entries(exports)
      .filter((entry): entry is [string, Kernel] => isKernel(entry[1]))
      .map(([exportName, kernel]) => ({ module: path.replace('./', ''), exportName, kernel })),
  );
