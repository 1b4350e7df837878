// The compressed conv kernels (implicit convolution over the mask's index, shaders/sparse-conv-*)
// on the GPU against the float64 CPU reference (src/reference/sparse.ts) and against the
// masked-dense conv (conv2d on W * M, CPU), for every workgroup shape, on awkward shapes: batch
// 1 and 3, 1 / 3 / 17 channels, 1x1 and 3x3 kernels, stride 1 and 2, padding 0 and 1, densities
// 0 (every row empty), 0.1 and 1. The masked gradient's zeros are checked on a recycled buffer.
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import { conv2d, conv2dPlan } from '../ops/conv';
import { CpuSparseBackend } from '../reference/sparse';
import { backward } from '../tensor/tape';
import { tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import {
  HARDWARE_SPARSE_CONV,
  SOFTWARE_SPARSE_CONV,
  type SparseConvShape,
} from './kernels/sparse-conv';
import { WebGpuSparseBackend } from './sparse-backend';

const cpuSparse = new CpuSparseBackend();

interface Case {
  x: [number, number, number, number];
  outC: number;
  k: [number, number];
  stride: number;
  padding: number;
}

const cases: Case[] = [
  { x: [1, 1, 5, 7], outC: 3, k: [3, 3], stride: 1, padding: 1 },
  { x: [3, 3, 6, 5], outC: 17, k: [3, 3], stride: 2, padding: 1 },
  { x: [3, 17, 4, 4], outC: 5, k: [1, 1], stride: 2, padding: 0 },
  { x: [1, 3, 9, 9], outC: 1, k: [3, 3], stride: 2, padding: 0 },
  { x: [3, 17, 5, 3], outC: 17, k: [3, 3], stride: 1, padding: 0 },
  { x: [1, 3, 7, 6], outC: 4, k: [1, 1], stride: 1, padding: 1 },
];
const densities = [0, 0.1, 1];

function makeMask(size: number, density: number, seed: number) {
  const rng = new Rng(seed);
  const mask = Float32Array.from({ length: size }, () =>
    density >= 1 || rng.next() < density ? 1 : 0,
  );
  return { mask, active: mask.reduce((a, v) => a + v, 0) };
}

// float32 sums of up to `terms` products of values in [-1, 1).
const tol = (terms: number) => ({ atol: 8e-6 * Math.sqrt(terms), rtol: 1e-4 });

const shapes: [string, SparseConvShape][] = [
  ['software', SOFTWARE_SPARSE_CONV],
  ['hardware', HARDWARE_SPARSE_CONV],
  ['odd', { product: { WG: 3, QUADS: 2 }, weightGrad: { WG: 8, perWorkgroup: true } }],
];

describe('compressed conv kernels, GPU vs CPU reference and masked dense', () => {
  for (const [shapeName, shape] of shapes) {
    for (const c of cases) {
      for (const density of densities) {
        const [N, C, H, W] = c.x;
        const [KH, KW] = c.k;
        const label = `${shapeName}: x [${c.x.join(',')}] -> ${c.outC}, ${KH}x${KW} s${c.stride} p${c.padding}, density ${density}`;
        it(label, async () => {
          const { gpu } = await gpuBackend();
          const sparse = new WebGpuSparseBackend(gpu.ctx, { sparseConv: shape });
          const conv = conv2dPlan(c.x, [c.outC, C, KH, KW], c);
          const cols = C * KH * KW;
          const { mask, active } = makeMask(c.outC * cols, density, N * 31 + C);
          const w = randomValues(c.outC * cols, 2);
          const x = randomValues(N * C * H * W, 3);
          const dy = randomValues(N * c.outC * conv.outHeight * conv.outWidth, 4);

          // Reference 1: the dense conv on W * M (CPU tape), its dW masked.
          const xt = tensor(cpuBackend, x, c.x, { requiresGrad: true });
          const wm = tensor(
            cpuBackend,
            w.map((v, i) => v * mask[i]),
            [c.outC, C, KH, KW],
            { requiresGrad: true },
          );
          const yRef = conv2d(xt, wm, null, c);
          backward(yRef, tensor(cpuBackend, dy, yRef.shape));
          const wantY = await yRef.data();
          const wantDx = await xt.grad!.data();
          const wantDw = (await wm.grad!.data()).map((v, i) => v * mask[i]);

          // Reference 2: the CPU compressed conv agrees with it.
          const cm = cpuBackend.upload(mask);
          const cplan = {
            x: cpuBackend.upload(x),
            w: cpuBackend.upload(w),
            mask: cm,
            csr: cpuSparse.csrBuild({ mask: cm, rows: c.outC, cols, nnz: active }),
            conv,
          };
          const cg = cpuSparse.csrConvBackward(cplan, cpuBackend.upload(dy), {
            input: true,
            maskedWeight: true,
          });
          expectClose(await cpuBackend.read(cpuSparse.csrConvForward(cplan)), wantY, {
            atol: 1e-12,
            label: 'cpu y',
          });
          expectClose(await cpuBackend.read(cg.dx!), wantDx, { atol: 1e-12, label: 'cpu dx' });
          expectClose(await cpuBackend.read(cg.dw!), wantDw, { atol: 1e-12, label: 'cpu dw' });

          // GPU, with the pool holding a NaN-filled buffer of dW's size: the kernel must write
          // every off-mask zero itself.
          const gm = gpu.upload(mask);
          const plan = {
            x: gpu.upload(x),
            w: gpu.upload(w),
            mask: gm,
            csr: sparse.csrBuild({ mask: gm, rows: c.outC, cols, nnz: active }),
            conv,
          };
          gpu.release(gpu.upload(new Float32Array(c.outC * cols).fill(NaN)));
          const y = await gpu.read(sparse.csrConvForward(plan));
          const g = sparse.csrConvBackward(plan, gpu.upload(dy), {
            input: true,
            maskedWeight: true,
          });
          const dx = await gpu.read(g.dx!);
          const dw = await gpu.read(g.dw!);
          expectClose(y, wantY, { ...tol(cols), label: 'y' });
          expectClose(dx, wantDx, { ...tol(c.outC * KH * KW), label: 'dx' });
          expectClose(dw, wantDw, { ...tol(N * conv.outHeight * conv.outWidth), label: 'dw' });
          expect(dw.every((v, i) => mask[i] === 1 || Object.is(v, 0))).toBe(true);
          const none = sparse.csrConvBackward(plan, gpu.upload(dy), {
            input: false,
            maskedWeight: false,
          });
          expect([none.dx, none.dw]).toEqual([null, null]);
          sparse.csrRelease(plan.csr);
        });
      }
    }
  }

  it('refuses an index that does not fit the conv', async () => {
    const { gpu } = await gpuBackend();
    const sparse = new WebGpuSparseBackend(gpu.ctx);
    const m = gpu.upload(new Float32Array(2 * 12).fill(1));
    const csr = sparse.csrBuild({ mask: m, rows: 2, cols: 12, nnz: 24 });
    const conv = conv2dPlan([1, 3, 4, 4], [2, 3, 3, 3]);
    expect(() =>
      sparse.csrConvForward({ x: gpu.upload(randomValues(48, 1)), w: m, mask: m, csr, conv }),
    ).toThrow(/does not fit/);
    sparse.csrRelease(csr);
  });
});
