// Time of one sparse linear layer's training step against density, for the masked-dense path
// (W*M then the dense matmul) and the zero-skipping compressed path (CSR/CSC + SDDMM), plus the
// rare costs of the compressed path (index rebuild) and of a RigL regrowth. Prints a table and
// returns the numbers; asserts nothing. Runs unchanged on SwiftShader and on a real GPU.
import { Rng } from '../common/rng';
import { makeContext } from '../gpu/context';
import type { GpuRuntime } from '../gpu/runtime';
import { WebGpuSparseBackend } from '../gpu/sparse-backend';
import { GpuStorage } from '../gpu/storage';
import type { Storage } from '../tensor/backend';
import { shapeKey, type KernelProfile } from '../sparse/kernel-choice';
import type { LinearShape } from '../tensor/sparse-backend';

export interface SparseBenchOptions {
  shapes?: readonly LinearShape[];
  densities?: readonly number[];
  /** Timed repetitions per measurement; the minimum is reported (robust to a busy machine). */
  reps?: number;
  /** Where the table goes (console.log by default; pass () => {} for silence). */
  log?: (line: string) => void;
  /** Also time the index rebuild and a regrowth (default true). */
  includeMaskUpdates?: boolean;
}

/** Milliseconds of one layer's step: forward, backward (dx and the masked dW), and their sum. */
export interface StepMs {
  forwardMs: number;
  backwardMs: number;
  stepMs: number;
}

export interface SparseBenchRow {
  shape: LinearShape;
  density: number;
  activeCount: number;
  maskedDense: StepMs;
  /** Includes refreshing the compressed values from W, which a real step must do. */
  csr: StepMs;
  /** maskedDense.stepMs / csr.stepMs: above 1 the compressed path is faster. */
  speedup: number;
  /** Rebuilding the compressed index (both orientations) after a mask change (NaN if skipped). */
  csrBuildMs: number;
  /** One RigL drop-and-grow (exact GPU top-k twice) at drop fraction 0.3 (NaN if skipped). */
  regrowMs: number;
}

export interface SparseBenchResult {
  adapter: string;
  rows: SparseBenchRow[];
}

export const DEFAULT_BENCH_SHAPES: readonly LinearShape[] = [
  { batch: 128, inFeatures: 256, outFeatures: 256 },
  { batch: 128, inFeatures: 512, outFeatures: 512 },
];
export const DEFAULT_BENCH_DENSITIES = [1, 0.5, 0.25, 0.1, 0.05] as const;

/** Shapes where a real GPU is busy (the default ones leave it mostly idle). */
export const GPU_BUSY_BENCH_SHAPES: readonly LinearShape[] = [1024, 2048, 4096].map((f) => ({
  batch: 1024,
  inFeatures: f,
  outFeatures: f,
}));

/**
 * The im2col products of CIFAR ResNet-18's sparsified convs at batch 128 (rows = 128 * OH * OW,
 * in = C_in * k * k, out = C_out), one per distinct shape, smallest first.
 */
export const CIFAR_RESNET18_BENCH_SHAPES: readonly LinearShape[] = [
  { batch: 128 * 4 * 4, inFeatures: 256, outFeatures: 512 }, // stage 4 shortcut (1x1, stride 2)
  { batch: 128 * 4 * 4, inFeatures: 256 * 9, outFeatures: 512 }, // stage 4 first conv
  { batch: 128 * 4 * 4, inFeatures: 512 * 9, outFeatures: 512 },
  { batch: 128 * 8 * 8, inFeatures: 128, outFeatures: 256 }, // stage 3 shortcut
  { batch: 128 * 8 * 8, inFeatures: 128 * 9, outFeatures: 256 },
  { batch: 128 * 8 * 8, inFeatures: 256 * 9, outFeatures: 256 },
  { batch: 128 * 16 * 16, inFeatures: 64, outFeatures: 128 }, // stage 2 shortcut
  { batch: 128 * 16 * 16, inFeatures: 64 * 9, outFeatures: 128 },
  { batch: 128 * 16 * 16, inFeatures: 128 * 9, outFeatures: 128 },
  { batch: 128 * 32 * 32, inFeatures: 64 * 9, outFeatures: 64 }, // stage 1
];

/** Named shape sets for `npm run bench -- --sparse-shapes NAME`. */
export const SPARSE_BENCH_SHAPE_SETS: Readonly<Record<string, readonly LinearShape[]>> = {
  default: DEFAULT_BENCH_SHAPES,
  'gpu-busy': GPU_BUSY_BENCH_SHAPES,
  'cifar-resnet18': CIFAR_RESNET18_BENCH_SHAPES,
};

/** Minimum over `reps` runs of `step` (after one untimed warm-up that also builds pipelines). */
async function timeMs(rt: GpuRuntime, reps: number, step: () => Storage[]): Promise<number> {
  const release = (ss: Storage[]) => ss.forEach((s) => rt.pool.release((s as GpuStorage).buffer));
  release(step());
  await rt.sync();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const outs = step();
    await rt.sync();
    best = Math.min(best, performance.now() - t0);
    release(outs);
  }
  return best;
}

function upload(rt: GpuRuntime, data: Float32Array, label: string): GpuStorage {
  const s = new GpuStorage(rt.pool.acquire(data.length * 4, label), data.length);
  rt.upload(s.buffer, data);
  return s;
}

function randomArray(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

/** Run the benchmark on `rt` and return (and print) the table. */
export async function benchSparseLinear(
  rt: GpuRuntime,
  options: SparseBenchOptions = {},
): Promise<SparseBenchResult> {
  const shapes = options.shapes ?? DEFAULT_BENCH_SHAPES;
  const densities = options.densities ?? DEFAULT_BENCH_DENSITIES;
  const reps = options.reps ?? 3;
  const log = options.log ?? ((line: string) => console.log(line));
  const includeMaskUpdates = options.includeMaskUpdates ?? true;
  const sparse = new WebGpuSparseBackend(makeContext(rt));
  const rng = new Rng(1234);
  const rows: SparseBenchRow[] = [];
  log(`sparse linear layer step on ${rt.adapterName} (min of ${reps} runs, ms)`);
  log(
    'batch  in->out   density | masked-dense fwd  bwd  step | csr fwd  bwd  step | speedup | csr build  regrow',
  );
  for (const shape of shapes) {
    const { batch, inFeatures: k, outFeatures: n } = shape;
    const x = upload(rt, randomArray(batch * k, rng), 'bench.x');
    const dy = upload(rt, randomArray(batch * n, rng), 'bench.dy');
    const grad = upload(rt, randomArray(n * k, rng), 'bench.grad');
    for (const density of densities) {
      const active = Math.round(density * n * k);
      const mask = sparse.maskInitRandom(n * k, active, 99);
      const unmasked = upload(rt, randomArray(n * k, rng), 'bench.w');
      const w = sparse.maskApply(unmasked, mask);
      sparse.release(unmasked);
      const dense = await stepTimes(rt, reps, {
        forward: () => [sparse.maskedLinearForward({ x, w, mask, shape })],
        backward: () => {
          const g = sparse.maskedLinearBackward({ x, w, mask, shape }, dy, {
            input: true,
            weight: 'masked',
          });
          return [g.dx!, g.dw!];
        },
      });
      const csr = sparse.csrBuild({ mask, rows: n, cols: k, nnz: active });
      const plan = { x, w, mask, csr, batch };
      const compressed = await stepTimes(rt, reps, {
        forward: () => [sparse.csrLinearForward(plan)],
        backward: () => {
          const g = sparse.csrLinearBackward(plan, dy, {
            input: true,
            weight: 'masked',
          });
          return [g.dx!, g.dw!];
        },
      });
      sparse.csrRelease(csr);
      const csrBuildMs = includeMaskUpdates
        ? await timeMs(rt, reps, () => {
            sparse.csrRelease(sparse.csrBuild({ mask, rows: n, cols: k, nnz: active }));
            return [];
          })
        : NaN;
      const regrowMs = includeMaskUpdates
        ? await timeMs(rt, reps, () => [
            sparse.regrow({
              weight: w,
              mask,
              activeCount: active,
              dropCount: Math.floor(0.3 * active),
              grow: { kind: 'gradient', grad },
            }),
          ])
        : NaN;
      const row: SparseBenchRow = {
        shape,
        density,
        activeCount: active,
        maskedDense: dense,
        csr: compressed,
        speedup: dense.stepMs / compressed.stepMs,
        csrBuildMs,
        regrowMs,
      };
      rows.push(row);
      log(formatRow(row));
      sparse.release(w);
      sparse.release(mask);
    }
    [x, dy, grad].forEach((s) => sparse.release(s));
  }
  return { adapter: rt.adapterName, rows };
}

async function stepTimes(
  rt: GpuRuntime,
  reps: number,
  f: { forward: () => Storage[]; backward: () => Storage[] },
): Promise<StepMs> {
  const forwardMs = await timeMs(rt, reps, f.forward);
  const backwardMs = await timeMs(rt, reps, f.backward);
  return { forwardMs, backwardMs, stepMs: forwardMs + backwardMs };
}

function formatRow(r: SparseBenchRow): string {
  const f = (v: number, w = 6) => v.toFixed(1).padStart(w);
  const d = r.maskedDense;
  const c = r.csr;
  return (
    `${String(r.shape.batch).padStart(5)}  ${`${r.shape.inFeatures}->${r.shape.outFeatures}`.padEnd(8)} ` +
    `${r.density.toFixed(2).padStart(7)} | ${f(d.forwardMs, 16)} ${f(d.backwardMs)} ${f(d.stepMs)} | ` +
    `${f(c.forwardMs, 7)} ${f(c.backwardMs)} ${f(c.stepMs)} | ${r.speedup.toFixed(2).padStart(7)} | ` +
    `${f(r.csrBuildMs, 9)} ${f(r.regrowMs)}`
  );
}

/**
 * Largest density at which the compressed path was faster, there and at every lower density
 * measured (0 if it never was): the threshold kernel-choice applies.
 */
export function crossoverDensity(rows: readonly SparseBenchRow[]): number {
  const byDensity = [...rows].sort((a, b) => a.density - b.density);
  let threshold = 0;
  for (const r of byDensity) {
    if (r.speedup > 1) threshold = r.density;
    else break;
  }
  return threshold;
}

/**
 * Measure the kernel-choice thresholds on the device at hand for the given product shapes (a few
 * training steps of each path per shape and density; milliseconds on a hardware GPU). The overall
 * threshold is the lowest of the per-shape ones, for shapes not measured.
 */
export async function measureKernelProfile(
  rt: GpuRuntime,
  shapes: readonly LinearShape[],
  densities: readonly number[] = DEFAULT_BENCH_DENSITIES,
): Promise<KernelProfile> {
  const { rows } = await benchSparseLinear(rt, {
    shapes,
    densities,
    reps: 2,
    log: () => {},
    includeMaskUpdates: false,
  });
  const byShape: Record<string, number> = {};
  for (const shape of shapes) {
    byShape[shapeKey(shape)] = crossoverDensity(rows.filter((r) => r.shape === shape));
  }
  return {
    source: `${rt.adapterName}, measured by measureKernelProfile`,
    measured: true,
    csrMaxDensity: Math.min(...Object.values(byShape)),
    byShape,
  };
}
