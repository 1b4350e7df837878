// The sparse primitives on the GPU against the float64 CPU reference: masked-dense products, the
// compressed (CSR/CSC + SDDMM) path, and the equality of the two paths, at densities 1, 0.5,
// 0.1, 0.01 with empty rows and columns, on shapes that fit no tile or vec4 quad.
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng';
import { CpuSparseBackend } from '../reference/sparse';
import type { Storage } from '../tensor/backend';
import type { LinearShape } from '../tensor/sparse-backend';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import {
  HARDWARE_CSR_MATMUL,
  SOFTWARE_CSR_MATMUL,
  type CsrMatmulShape,
} from './kernels/sparse-matmul-csr';
import { WebGpuSparseBackend } from './sparse-backend';

const cpuSparse = new CpuSparseBackend();

async function setup() {
  const { gpu } = await gpuBackend();
  return { gpu, sparse: new WebGpuSparseBackend(gpu.ctx) };
}

/** A 0/1 mask at about `density`, with row 0 and column cols-1 forced empty when there is room. */
function makeMask(
  rows: number,
  cols: number,
  density: number,
  seed: number,
): { mask: Float32Array; active: number } {
  const rng = new Rng(seed);
  const mask = new Float32Array(rows * cols);
  let active = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const forcedEmpty = (rows > 1 && r === 0) || (cols > 1 && c === cols - 1);
      const on = density >= 1 || (!forcedEmpty && rng.next() < density);
      mask[r * cols + c] = on ? 1 : 0;
      active += on ? 1 : 0;
    }
  }
  return { mask, active };
}

const shapes: LinearShape[] = [
  { batch: 1, inFeatures: 1, outFeatures: 1 },
  { batch: 3, inFeatures: 7, outFeatures: 5 },
  { batch: 7, inFeatures: 33, outFeatures: 31 },
  { batch: 13, inFeatures: 65, outFeatures: 127 },
  { batch: 130, inFeatures: 31, outFeatures: 3 },
  { batch: 5, inFeatures: 517, outFeatures: 2 }, // long reduction
];
const densities = [1, 0.5, 0.1, 0.01];

// float32 sums of up to `terms` products of values in [-1, 1): error grows like sqrt(terms) * eps.
const tol = (terms: number) => ({ atol: 8e-6 * Math.sqrt(terms), rtol: 1e-4 });

describe('masked products, GPU vs CPU reference', () => {
  for (const s of shapes) {
    for (const density of densities) {
      it(`batch=${s.batch} in=${s.inFeatures} out=${s.outFeatures} density=${density}`, async () => {
        const { gpu, sparse } = await setup();
        const n = s.outFeatures * s.inFeatures;
        const { mask, active } = makeMask(s.outFeatures, s.inFeatures, density, n + 11);
        const w = randomValues(n, 3);
        const x = randomValues(s.batch * s.inFeatures, 5);
        const dy = randomValues(s.batch * s.outFeatures, 9);
        const up = (b: typeof gpu | typeof cpuBackend) => ({
          w: b.upload(w),
          m: b.upload(mask),
          x: b.upload(x),
          dy: b.upload(dy),
        });
        const g = up(gpu);
        const c = up(cpuBackend);
        const read = (st: Storage | null) => gpu.read(st!);
        const want = {
          y: cpuSparse.maskedLinearForward({ x: c.x, w: c.w, mask: c.m, shape: s }),
          ...cpuSparse.maskedLinearBackward({ x: c.x, w: c.w, mask: c.m, shape: s }, c.dy, {
            input: true,
            weight: 'masked',
          }),
          dense: cpuSparse.maskedLinearBackward({ x: c.x, w: c.w, mask: c.m, shape: s }, c.dy, {
            input: false,
            weight: 'dense',
          }).dw,
        };
        const wantY = await cpuBackend.read(want.y);
        const wantDx = await cpuBackend.read(want.dx!);
        const wantDw = await cpuBackend.read(want.dw!);
        const wantDense = await cpuBackend.read(want.dense!);

        // Masked-dense path.
        const y = sparse.maskedLinearForward({ x: g.x, w: g.w, mask: g.m, shape: s });
        const grads = sparse.maskedLinearBackward({ x: g.x, w: g.w, mask: g.m, shape: s }, g.dy, {
          input: true,
          weight: 'masked',
        });
        const dense = sparse.maskedLinearBackward({ x: g.x, w: g.w, mask: g.m, shape: s }, g.dy, {
          input: false,
          weight: 'dense',
        });
        expect(dense.dx).toBeNull();
        expectClose(await read(y), wantY, { ...tol(s.inFeatures), label: 'masked y' });
        expectClose(await read(grads.dx), wantDx, { ...tol(s.outFeatures), label: 'masked dx' });
        expectClose(await read(grads.dw), wantDw, { ...tol(s.batch), label: 'masked dw' });
        expectClose(await read(dense.dw), wantDense, { ...tol(s.batch), label: 'dense dw' });

        // Compressed path: the same numbers (it must also equal the masked-dense path).
        const csr = sparse.csrBuild({
          mask: g.m,
          rows: s.outFeatures,
          cols: s.inFeatures,
          nnz: active,
        });
        const cy = sparse.csrLinearForward({ x: g.x, w: g.w, mask: g.m, csr, batch: s.batch });
        const cg = sparse.csrLinearBackward(
          { x: g.x, w: g.w, mask: g.m, csr, batch: s.batch },
          g.dy,
          {
            input: true,
            weight: 'masked',
          },
        );
        expectClose(await read(cy), wantY, { ...tol(s.inFeatures), label: 'csr y' });
        expectClose(await read(cg.dx), wantDx, { ...tol(s.outFeatures), label: 'csr dx' });
        expectClose(await read(cg.dw), wantDw, { ...tol(s.batch), label: 'csr dw' });
        expectClose(await read(cy), await read(y), {
          ...tol(s.inFeatures),
          label: 'csr vs masked y',
        });
        expectClose(await read(cg.dx), await read(grads.dx), {
          ...tol(s.outFeatures),
          label: 'csr vs masked dx',
        });
        // Off the mask the SDDMM gradient is exactly zero.
        const cdw = await read(cg.dw);
        expect(cdw.every((v, i) => mask[i] === 1 || v === 0)).toBe(true);

        // The CPU reference's own compressed path agrees with its dense definition.
        const ccsr = cpuSparse.csrBuild({
          mask: c.m,
          rows: s.outFeatures,
          cols: s.inFeatures,
          nnz: active,
        });
        expectClose(
          await cpuBackend.read(
            cpuSparse.csrLinearForward({ x: c.x, w: c.w, mask: c.m, csr: ccsr, batch: s.batch }),
          ),
          wantY,
          {
            atol: 1e-12,
            label: 'cpu csr y',
          },
        );
        const ccg = cpuSparse.csrLinearBackward(
          { x: c.x, w: c.w, mask: c.m, csr: ccsr, batch: s.batch },
          c.dy,
          {
            input: true,
            weight: 'masked',
          },
        );
        expectClose(await cpuBackend.read(ccg.dx!), wantDx, { atol: 1e-12, label: 'cpu csr dx' });
        expectClose(await cpuBackend.read(ccg.dw!), wantDw, { atol: 1e-12, label: 'cpu csr dw' });
        sparse.csrRelease(csr);
      });
    }
  }
});

describe('compressed index built on the GPU', () => {
  for (const [rows, cols, density] of [
    [1, 1, 1],
    [5, 3, 0.5],
    [37, 300, 0.1],
    [300, 37, 0.01],
    [257, 259, 0.25],
  ] as const) {
    it(`equals the reference index exactly: ${rows}x${cols} density ${density}`, async () => {
      const { gpu, sparse } = await setup();
      const { mask, active } = makeMask(rows, cols, density, rows * 7 + cols);
      const g = sparse.csrBuild({
        mask: gpu.upload(mask),
        rows,
        cols,
        nnz: active,
      });
      const c = cpuSparse.csrBuild({
        mask: cpuBackend.upload(mask),
        rows,
        cols,
        nnz: active,
      });
      // Index storages hold u32 on the GPU and integer floats on the CPU.
      const u32 = async (st: Storage) => Array.from(new Uint32Array((await gpu.read(st)).buffer));
      const f = async (st: Storage) => Array.from(await cpuBackend.read(st));
      for (const key of ['rowPtr', 'colIdx', 'flat', 'tRowPtr', 'tColIdx'] as const) {
        const want = await f(c[key]);
        expect((await u32(g[key])).slice(0, want.length), key).toEqual(want);
      }
      sparse.csrRelease(g);
    });
  }
});

describe('compressed values follow the weight', () => {
  it('the product reads W at the index: a new W needs no rebuild and no refresh', async () => {
    const { gpu, sparse } = await setup();
    const s = { batch: 9, inFeatures: 19, outFeatures: 23 };
    const n = s.inFeatures * s.outFeatures;
    const { mask, active } = makeMask(s.outFeatures, s.inFeatures, 0.3, 4);
    const m = gpu.upload(mask);
    const x = gpu.upload(randomValues(s.batch * s.inFeatures, 6));
    const csr = sparse.csrBuild({ mask: m, rows: s.outFeatures, cols: s.inFeatures, nnz: active });
    const w1 = gpu.upload(randomValues(n, 1));
    const w2 = gpu.upload(randomValues(n, 2));
    const y1 = await gpu.read(sparse.csrLinearForward({ x, w: w1, mask: m, csr, batch: s.batch }));
    gpu.assign(w1, w2);
    const y2 = await gpu.read(sparse.csrLinearForward({ x, w: w1, mask: m, csr, batch: s.batch }));
    const want = await gpu.read(sparse.maskedLinearForward({ x, w: w2, mask: m, shape: s }));
    expectClose(y2, want, { ...tol(s.inFeatures), label: 'y after W changed in place' });
    expect(() => expectClose(y1, want, tol(s.inFeatures))).toThrow();
  });

  it('batch larger than one workgroup chunk (1024 rows) is covered', async () => {
    const { gpu, sparse } = await setup();
    const s = { batch: 2053, inFeatures: 6, outFeatures: 5 };
    const { mask, active } = makeMask(s.outFeatures, s.inFeatures, 0.5, 8);
    const w = randomValues(s.inFeatures * s.outFeatures, 12);
    const x = randomValues(s.batch * s.inFeatures, 13);
    const dy = randomValues(s.batch * s.outFeatures, 14);
    const gm = gpu.upload(mask);
    const csr = sparse.csrBuild({
      mask: gm,
      rows: s.outFeatures,
      cols: s.inFeatures,
      nnz: active,
    });
    const plan = { x: gpu.upload(x), w: gpu.upload(w), mask: gm, csr, batch: s.batch };
    const got = sparse.csrLinearBackward(plan, gpu.upload(dy), {
      input: true,
      weight: 'masked',
    });
    const cm = cpuBackend.upload(mask);
    const want = cpuSparse.maskedLinearBackward(
      { x: cpuBackend.upload(x), w: cpuBackend.upload(w), mask: cm, shape: s },
      cpuBackend.upload(dy),
      { input: true, weight: 'masked' },
    );
    expectClose(
      await gpu.read(sparse.csrLinearForward(plan)),
      await cpuBackend.read(
        cpuSparse.maskedLinearForward({
          x: cpuBackend.upload(x),
          w: cpuBackend.upload(w),
          mask: cm,
          shape: s,
        }),
      ),
      tol(s.inFeatures),
    );
    expectClose(await gpu.read(got.dx!), await cpuBackend.read(want.dx!), tol(s.outFeatures));
    expectClose(await gpu.read(got.dw!), await cpuBackend.read(want.dw!), tol(s.batch));
  });
});

describe('every workgroup shape of the compressed product', () => {
  const variants: CsrMatmulShape[] = [
    SOFTWARE_CSR_MATMUL,
    HARDWARE_CSR_MATMUL,
    { WG: 16, QUADS_PER_THREAD: 2 },
    { WG: 3, QUADS_PER_THREAD: 4 },
  ];
  for (const v of variants) {
    for (const s of [
      { batch: 1, inFeatures: 9, outFeatures: 4 },
      { batch: 130, inFeatures: 17, outFeatures: 33 },
      { batch: 2053, inFeatures: 5, outFeatures: 3 },
    ]) {
      it(`WG=${v.WG} quads/thread=${v.QUADS_PER_THREAD} batch=${s.batch} ${s.inFeatures}->${s.outFeatures}`, async () => {
        const { gpu } = await gpuBackend();
        const sparse = new WebGpuSparseBackend(gpu.ctx, { csrMatmul: v });
        const { mask, active } = makeMask(s.outFeatures, s.inFeatures, 0.4, s.batch);
        const w = randomValues(s.inFeatures * s.outFeatures, 21);
        const x = randomValues(s.batch * s.inFeatures, 22);
        const dy = randomValues(s.batch * s.outFeatures, 23);
        const gm = gpu.upload(mask);
        const csr = sparse.csrBuild({
          mask: gm,
          rows: s.outFeatures,
          cols: s.inFeatures,
          nnz: active,
        });
        const plan = { x: gpu.upload(x), w: gpu.upload(w), mask: gm, csr, batch: s.batch };
        const y = await gpu.read(sparse.csrLinearForward(plan));
        const dx = await gpu.read(
          sparse.csrLinearBackward(plan, gpu.upload(dy), {
            input: true,
            weight: 'none',
          }).dx!,
        );
        const c = { w: cpuBackend.upload(w), m: cpuBackend.upload(mask) };
        const want = cpuSparse.maskedLinearBackward(
          { x: cpuBackend.upload(x), w: c.w, mask: c.m, shape: s },
          cpuBackend.upload(dy),
          {
            input: true,
            weight: 'none',
          },
        );
        const wantY = cpuSparse.maskedLinearForward({
          x: cpuBackend.upload(x),
          w: c.w,
          mask: c.m,
          shape: s,
        });
        expectClose(y, await cpuBackend.read(wantY), { ...tol(s.inFeatures), label: 'y' });
        expectClose(dx, await cpuBackend.read(want.dx!), { ...tol(s.outFeatures), label: 'dx' });
        sparse.csrRelease(csr);
      });
    }
  }
});

describe('mask application', () => {
  it('maskApply and maskRetainInPlace zero exactly, even non-finite values', async () => {
    const { gpu, sparse } = await setup();
    const x = Float32Array.from([1, -2, Infinity, NaN, 5, -0.5, 7]);
    const a = Float32Array.from([1, 0, 0, 0, 1, 1, 1]);
    const b = Float32Array.from([1, 1, 1, 0, 0, 1, 0]);
    expect(Array.from(await gpu.read(sparse.maskApply(gpu.upload(x), gpu.upload(a))))).toEqual([
      1, 0, 0, 0, 5, -0.5, 7,
    ]);
    const gx = gpu.upload(x);
    sparse.maskRetainInPlace(gx, gpu.upload(a), gpu.upload(b));
    const cx = cpuBackend.upload(x);
    cpuSparse.maskRetainInPlace(cx, cpuBackend.upload(a), cpuBackend.upload(b));
    expect(Array.from(await gpu.read(gx))).toEqual([1, 0, 0, 0, 0, -0.5, 0]);
    expect(Array.from(await cpuBackend.read(cx))).toEqual([1, 0, 0, 0, 0, -0.5, 0]);
  });
});
