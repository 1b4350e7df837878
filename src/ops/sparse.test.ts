// The compressed (CSR) path as ops, on the float64 CPU reference: sparseLinear and conv2d's
// compressed forward and backward against the masked-dense result (the dense op on W * M), the
// index rebuilt after a mask change, RigL's dense weight gradient, and tape gradients against
// central finite differences. Also the gradient check of causal self-attention.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../reference/backend';
import { CpuSparseBackend } from '../reference/sparse';
import { Mask } from '../sparse/mask';
import { backward } from '../tensor/tape';
import { tensor, type Tensor } from '../tensor/tensor';
import { expectClose } from '../testing/expect-close';
import { gradcheck, type GradcheckInput } from '../testing/gradcheck';
import { randomValues } from '../testing/shapes';
import { causalMask, causalSelfAttention } from './attention';
import { conv2d, type Conv2dOptions } from './conv';
import { add } from './elementwise';
import { matmul } from './matmul';
import { sparseLinear, type SparseWeightState } from './sparse';

const cpu = new CpuBackend();
const sparse = new CpuSparseBackend();
const f64 = (s: { storage: Tensor['storage'] }) => Float64Array.from(cpu.readF64(s.storage));
const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

const values = (shape: number[], seed: number) => Array.from(randomValues(sizeOf(shape), seed));
const param = (shape: number[], seed: number) =>
  tensor(cpu, values(shape, seed), shape, { requiresGrad: true });

function state(rows: number, cols: number, active: number, seed: number): SparseWeightState {
  const storage = sparse.maskInitRandom(rows * cols, active, seed);
  return {
    sparse,
    mask: new Mask(storage, rows, cols, active),
    csr: null,
    builtForVersion: -1,
    wantDenseGrad: false,
  };
}

const masked = (w: Tensor, s: SparseWeightState) =>
  tensor(cpu, cpu.readF64(sparse.maskApply(w.storage, s.mask.storage)), w.shape, {
    requiresGrad: true,
  });

function grads(out: Tensor, inputs: Tensor[], seed: number): Float64Array[] {
  for (const t of inputs) t.grad = null;
  backward(out, tensor(cpu, values([...out.shape], seed), out.shape));
  return inputs.map((t) => (t.grad ? f64(t.grad) : new Float64Array(t.size)));
}

const maskOf = (s: SparseWeightState) => f64({ storage: s.mask.storage });
const applyMask = (g: Float64Array, m: Float64Array) => g.map((v, i) => (m[i] > 0.5 ? v : 0));

/** Replace the mask by one regrowth (drop 2, grow 2 at random), as SET would. */
function regrowOnce(s: SparseWeightState, w: Tensor, seed: number): void {
  const next = sparse.regrow({
    weight: w.storage,
    mask: s.mask.storage,
    activeCount: s.mask.activeCount,
    dropCount: 2,
    grow: { kind: 'random', seed },
  });
  s.mask.replace(next, s.mask.activeCount);
}

describe('sparseLinear on the compressed path against masked dense', () => {
  it.each([
    [1, 7, 5, 9],
    [6, 13, 1, 4],
    [5, 1, 8, 3],
    [9, 17, 11, 60],
  ])('batch %i, %i -> %i features, %i active', (batch, inF, outF, active) => {
    for (const wantDense of [false, true]) {
      const s = state(outF, inF, active, batch + inF);
      s.wantDenseGrad = wantDense;
      const x = param([batch, inF], 1);
      const w = param([outF, inF], 2);
      const y = sparseLinear(x, w, s);
      const [dx, dw] = grads(y, [x, w], 3);
      const wm = masked(w, s);
      const ref = matmul(x, wm, { transB: true });
      const [rdx, rdw] = grads(ref, [x, wm], 3);
      expectClose(f64(y), f64(ref), { atol: 1e-12, label: 'y' });
      expectClose(dx, rdx, { atol: 1e-12, label: 'dx' });
      // RigL's update steps want dy^T x everywhere; every other step only at the mask.
      expectClose(dw, wantDense ? rdw : applyMask(rdw, maskOf(s)), { atol: 1e-12, label: 'dw' });
      expect(s.csr!.nnz).toBe(active);
    }
  });

  it('rebuilds the index after a mask change and follows W without a rebuild', () => {
    const s = state(6, 10, 20, 5);
    const x = param([4, 10], 1);
    const w = param([6, 10], 2);
    sparseLinear(x, w, s);
    const first = s.csr;
    // New W, same mask: values refreshed, index kept.
    cpu.assign(w.storage, cpu.upload(values([6, 10], 9)));
    const y1 = sparseLinear(x, w, s);
    expect(s.csr).toBe(first);
    expectClose(f64(y1), f64(matmul(x, masked(w, s), { transB: true })), { atol: 1e-12 });
    regrowOnce(s, w, 4);
    const y2 = sparseLinear(x, w, s);
    expect(s.csr).not.toBe(first);
    expect(s.builtForVersion).toBe(1);
    expectClose(f64(y2), f64(matmul(x, masked(w, s), { transB: true })), { atol: 1e-12 });
    expect(f64(y2)).not.toEqual(f64(y1));
  });
});

describe('conv2d on the compressed path against masked dense', () => {
  const cases: [string, number[], number[], Conv2dOptions, boolean][] = [
    ['3x3 stride 2 pad 1, bias', [2, 3, 5, 6], [4, 3, 3, 3], { stride: 2, padding: 1 }, true],
    ['1x1 stride 2 (shortcut)', [2, 5, 4, 4], [3, 5, 1, 1], { stride: 2 }, false],
    ['2x3 kernel, 1 output channel', [1, 2, 4, 5], [1, 2, 2, 3], { padding: [1, 0] }, true],
  ];
  it.each(cases)('%s', (_, xShape, wShape, options, withBias) => {
    const [outC, ...rest] = wShape;
    const cols = sizeOf(rest);
    for (const wantDense of [false, true]) {
      const s = state(outC, cols, Math.max(1, Math.floor(cols * outC * 0.3)), cols);
      s.wantDenseGrad = wantDense;
      const x = param(xShape, 1);
      const w = param(wShape, 2);
      const b = withBias ? param([outC], 3) : null;
      const y = conv2d(x, w, b, { ...options, sparse: s });
      const got = grads(y, b ? [x, w, b] : [x, w], 4);
      const wm = masked(w, s);
      const ref = conv2d(x, wm, b, options);
      const want = grads(ref, b ? [x, wm, b] : [x, wm], 4);
      expectClose(f64(y), f64(ref), { atol: 1e-12, label: 'y' });
      expectClose(got[0], want[0], { atol: 1e-12, label: 'dx' });
      expectClose(got[1], wantDense ? want[1] : applyMask(want[1], maskOf(s)), {
        atol: 1e-12,
        label: `dw (dense ${wantDense})`,
      });
      if (b) expectClose(got[2], want[2], { atol: 1e-12, label: 'dbias' });
    }
  });

  it('follows a mask change (the CSR rebuild) between steps', () => {
    const s = state(4, 27, 30, 8);
    const x = param([2, 3, 5, 5], 1);
    const w = param([4, 3, 3, 3], 2);
    for (let round = 0; round < 3; round++) {
      const y = conv2d(x, w, null, { padding: 1, sparse: s });
      const [dx, dw] = grads(y, [x, w], 5);
      const wm = masked(w, s);
      const ref = conv2d(x, wm, null, { padding: 1 });
      const [rdx, rdw] = grads(ref, [x, wm], 5);
      expectClose(f64(y), f64(ref), { atol: 1e-12, label: `y, round ${round}` });
      expectClose(dx, rdx, { atol: 1e-12, label: `dx, round ${round}` });
      expectClose(dw, applyMask(rdw, maskOf(s)), { atol: 1e-12, label: `dw, round ${round}` });
      expect(s.builtForVersion).toBe(round);
      regrowOnce(s, w, round);
    }
  });
});

describe('float64 gradient checks of the sparse ops (compressed path)', () => {
  const input = (shape: number[], seed: number): GradcheckInput => ({
    values: values(shape, seed),
    shape,
  });

  it('sparseLinear: x and W (the gradient is zero off the mask, as finite differences see)', () => {
    const s = state(5, 7, 12, 3);
    const r = gradcheck(([x, w]) => sparseLinear(x, w, s), [input([4, 7], 1), input([5, 7], 2)]);
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });

  it('sparseLinear on (batch, time, features) through nn-style reshape and bias', () => {
    const s = state(3, 4, 5, 6);
    const r = gradcheck(
      ([x, w, b]) => add(sparseLinear(x, w, s), b),
      [input([6, 4], 1), input([3, 4], 2), input([3], 3)],
    );
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });

  it('conv2d compressed: x, W and bias, stride 2, padding 1', () => {
    const s = state(3, 18, 15, 4);
    const r = gradcheck(
      ([x, w, b]) => conv2d(x, w, b, { stride: 2, padding: 1, sparse: s }),
      [input([2, 2, 5, 4], 1), input([3, 2, 3, 3], 2), input([3], 3)],
    );
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });
});

describe('causal self-attention', () => {
  it.each([
    [2, 4, 6, 2],
    [1, 5, 3, 1],
    [2, 1, 8, 4],
  ])('gradient check: B %i, T %i, C %i, %i heads', (batch, t, c, heads) => {
    const mask = causalMask(cpu, t);
    const r = gradcheck(
      ([qkv]) => causalSelfAttention(qkv, heads, mask),
      [{ values: values([batch, t, 3 * c], 11), shape: [batch, t, 3 * c] }],
      { maxCoords: 60 },
    );
    expect(r.checked).toBeGreaterThan(0);
    expect(r.maxAbsError).toBeLessThan(1e-6);
  });

  it('is causal: position i does not depend on later positions', () => {
    const mask = causalMask(cpu, 4);
    const qkv = param([1, 4, 6], 2);
    const y = causalSelfAttention(qkv, 2, mask);
    const seed = new Float64Array(y.size);
    seed.fill(1, 0, 2); // the output at position 0 only
    backward(y, tensor(cpu, seed, y.shape));
    const g = f64(qkv.grad!);
    // Positions 1..3 (their q, k and v) get no gradient from position 0's output.
    expect(g.slice(6).every((v) => v === 0)).toBe(true);
    expect(g.slice(0, 6).some((v) => v !== 0)).toBe(true);
  });
});
