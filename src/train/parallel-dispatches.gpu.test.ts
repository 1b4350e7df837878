// Sparse Parallel's grouped step (issue #10): at s = 0.9 (10 branches per layer) a resnet-mini
// training step on the masked-dense path issues at most 1.5x the dispatches of the dense step
// measured in the same test (the target), on both sparse paths. On the masked-dense
// path at most one dispatch more per Parallel layer (8: the stacked gradient's mask; the grouped
// norm takes the branch sum, the residual add and the ReLU) and at most 333 buffer copies (1045
// before: stacking is a view, gradients land in their slots; what is left is the n norm gammas
// and betas, padded apart in the arena). On the compressed path each sparse conv is three
// implicit kernels over the mask's index (ops/sparse-conv.ts): no im2col, transpose, layout
// gather or value refresh (193 dispatches before). Both: one submit, no readback and no new
// buffer per step. Also the copy primitives the grouping runs on, GPU against CPU.
import { describe, expect, it } from 'vitest';
import { nodeDataFiles } from '../data/builtin-node';
import { webGpuRunParts } from '../gpu/run-parts';
import { concat } from '../ops/shape';
import type { KernelProfile } from '../sparse/kernel-choice';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { backward } from '../tensor/tape';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { checkArenaStack, checkLooseStack, checkSharedLeaf } from '../testing/stack-leading';
import { loadData, prepareRun } from './setup';

const profile = (csrMaxDensity: number): KernelProfile => ({
  source: 'test: path forced',
  measured: true,
  csrMaxDensity,
});

/** Runtime counts of one step after warm-up (the counts are deterministic). */
async function stepCosts(overrides: Partial<RunConfig>, kernelProfile: KernelProfile) {
  const { gpu, rt } = await gpuBackend();
  const config = parseRunConfig({
    ...defaultRunConfig,
    model: 'resnet-mini',
    optimizer: 'sgd',
    method: 'rigl',
    batchSize: 2,
    steps: 100,
    ...overrides,
  });
  const data = await loadData(config, { read: nodeDataFiles() });
  const run = prepareRun({
    ...webGpuRunParts(gpu),
    config,
    data,
    evalSamples: 2,
    kernelProfile,
  });
  for (let i = 0; i < 2; i++) run.session.trainOneStep();
  await rt.sync();
  const before = rt.stats();
  const byKernel = new Map(rt.dispatchesByKernel);
  run.session.trainOneStep();
  rt.flush();
  await rt.sync();
  const after = rt.stats();
  const histogram = [...rt.dispatchesByKernel]
    .map(([name, count]) => [name, count - (byKernel.get(name) ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1]);
  const paths = run.sparsity?.paths().map((p) => p.path) ?? [];
  run.dispose();
  const per = (
    k: 'dispatches' | 'submits' | 'readbacks' | 'createdBuffers' | 'copies' | 'computePasses',
  ) => after[k] - before[k];
  return {
    dispatches: per('dispatches'),
    submits: per('submits'),
    readbacks: per('readbacks'),
    createdBuffers: per('createdBuffers'),
    copies: per('copies'),
    computePasses: per('computePasses'),
    paths: new Set(paths),
    histogram,
  };
}

describe('Sparse Parallel step dispatches against the dense step', () => {
  it.each([
    ['masked dense', 0, 1.5],
    ['compressed', 1, 1.5],
  ])(
    's = 0.9 on the %s path (csrMaxDensity %s): <= %sx dense dispatches, 1 submit, no readback, no new buffer',
    async (path, csrMaxDensity, maxRatio) => {
      const dense = await stepCosts({ transform: 'dense', sparsity: 0 }, profile(0));
      const parallel = await stepCosts(
        { transform: 'sparse-parallel', sparsity: 0.9 },
        profile(csrMaxDensity),
      );
      console.log(`resnet-mini step, dense:`, dense, `\nSparse Parallel s=0.9 ${path}:`, parallel);
      expect(parallel.paths).toEqual(new Set([csrMaxDensity ? 'csr' : 'masked-dense']));
      expect(parallel.submits).toBe(1);
      expect(parallel.readbacks).toBe(0);
      expect(parallel.createdBuffers).toBe(0);
      expect(parallel.dispatches).toBeLessThanOrEqual(maxRatio * dense.dispatches);
      if (!csrMaxDensity) {
        expect(parallel.dispatches - dense.dispatches).toBeLessThanOrEqual(8);
        expect(parallel.copies).toBeLessThanOrEqual(333);
        // Dense runs in 2; each layer's stacked norm parameters (copies) end one pass.
        expect(parallel.computePasses).toBeLessThanOrEqual(10);
      }
    },
    900_000,
  );
});

describe('the copy primitives of the grouping, GPU against CPU', () => {
  it('concat on a leading axis (buffer copies) and its backward, awkward sizes', async () => {
    const { gpu } = await gpuBackend();
    const shapes = [
      [1, 3, 5],
      [4, 3, 5],
      [7, 3, 5],
    ];
    for (const [be, label] of [
      [gpu, 'gpu'],
      [cpuBackend, 'cpu'],
    ] as const) {
      {
        const xs = shapes.map((s, i) =>
          tensor(be, randomValues(s[0] * 15, i + 1), s, { requiresGrad: true }),
        );
        const y = concat(xs, 0);
        const seed = randomValues(y.size, 9);
        backward(y, tensor(be, seed, y.shape));
        const want = shapes.flatMap((s, i) => [...randomValues(s[0] * 15, i + 1)]);
        expectClose(await y.data(), want, { atol: 0, label: `${label} y` });
        let at = 0;
        for (const x of xs) {
          expectClose(await x.grad!.data(), seed.slice(at, at + x.size), {
            atol: 0,
            label: `${label} grad`,
          });
          at += x.size;
        }
        for (const t of [y, ...xs]) {
          t.grad?.dispose();
          t.dispose();
        }
      }
    }
  });

  it('stackLeading: a view of parameters end to end, gradients into their slots in one copy', async () => {
    const { gpu, rt } = await gpuBackend();
    const countCopies = () => rt.stats().copies;
    // 64 values: a multiple of the usual 256-byte binding alignment, so the arena pads nothing.
    const aligned = await checkArenaStack(
      gpu,
      [
        [4, 16],
        [4, 16],
        [4, 16],
      ],
      { countCopies },
    );
    expect(aligned).toEqual({ isView: true, gradsInSlots: true, copies: 1 });
    // 17 values are padded apart: copies forward (3), one per slot back (3).
    const padded = await checkArenaStack(gpu, [[17], [17], [17]], { countCopies });
    expect(padded).toEqual({ isView: false, gradsInSlots: true, copies: 6 });
    // Packed, the same sizes lie end to end again.
    const packed = await checkArenaStack(gpu, [[17], [17], [17]], { countCopies, packed: true });
    expect(packed).toEqual({ isView: true, gradsInSlots: true, copies: 1 });
    await checkLooseStack(gpu);
    await checkSharedLeaf(gpu);
  });

  it('span joins only parts that lie end to end from a bindable offset', async () => {
    const { gpu } = await gpuBackend();
    const packed = gpu.arena([17, 17, 17], 0, true);
    expect(gpu.span(packed.parts)?.size).toBe(51);
    // Part 1 starts 68 bytes in: not a binding offset.
    expect(gpu.span(packed.parts.slice(1))).toBeNull();
    expect(gpu.span([packed.parts[0], packed.parts[2]])).toBeNull();
    const padded = gpu.arena([17, 17], 0);
    expect(gpu.span(padded.parts)).toBeNull();
    gpu.release(packed.whole);
    gpu.release(padded.whole);
  });

  it('copyRange writes only its range', async () => {
    const { gpu } = await gpuBackend();
    const dst = gpu.upload([0, 0, 0, 0, 0, 0, 0]);
    const src = gpu.upload([1, 2, 3, 4, 5]);
    gpu.copyRange(dst, 2, src, 1, 3);
    expect([...(await gpu.read(dst))]).toEqual([0, 0, 2, 3, 4, 0, 0]);
    gpu.release(dst);
    gpu.release(src);
  });
});
