// Convolution, pooling and dropout against independent definitions on the float64 CPU reference:
// im2col on a hand-computed case, conv2d against a direct 7-loop convolution, col2im as the adjoint
// of im2col, and tape gradients against central finite differences.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../reference/backend';
import { col2im } from '../reference/conv';
import type { Tensor } from '../tensor/tensor';
import { tensor } from '../tensor/tensor';
import { gradcheck, type GradcheckInput } from '../testing/gradcheck';
import { randomValues } from '../testing/shapes';
import { conv2d, conv2dOutputSize, conv2dPlan, type Conv2dOptions } from './conv';
import { dropout } from './dropout';
import { avgPool2d, globalAvgPool2d, maxPool2d } from './pool';

const cpu = new CpuBackend();

function input(
  shape: number[],
  seed: number,
  map: (v: number) => number = (v) => v,
): GradcheckInput {
  const n = shape.reduce((p, d) => p * d, 1);
  return { values: Array.from(randomValues(n, seed), map), shape };
}

function expectGradOk(f: (xs: Tensor[]) => Tensor, inputs: GradcheckInput[], tol = 1e-6): void {
  const r = gradcheck(f, inputs);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxAbsError).toBeLessThan(tol);
}

// y[n, o, oh, ow] = b[o] + sum_{c, kh, kw} x[n, c, oh*sh - ph + kh, ow*sw - pw + kw] * w[o, c, kh, kw]
function directConv(
  x: Float64Array,
  xs: number[],
  w: Float64Array,
  ws: number[],
  b: Float64Array | null,
  [sh, sw]: [number, number],
  [ph, pw]: [number, number],
): Float64Array {
  const [N, C, H, W] = xs;
  const [O, , KH, KW] = ws;
  const OH = conv2dOutputSize(H, KH, sh, ph);
  const OW = conv2dOutputSize(W, KW, sw, pw);
  const y = new Float64Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let acc = b ? b[o] : 0;
          for (let c = 0; c < C; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const ih = oh * sh - ph + kh;
                const iw = ow * sw - pw + kw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += x[((n * C + c) * H + ih) * W + iw] * w[((o * C + c) * KH + kh) * KW + kw];
              }
          y[((n * O + o) * OH + oh) * OW + ow] = acc;
        }
  return y;
}

describe('im2col / conv2d definitions', () => {
  it('im2col of a 2-channel 3x3 map, 2x2 kernel: rows are windows, columns c-major then kh, kw', () => {
    const x = Array.from({ length: 18 }, (_, i) => i + 1);
    const plan = conv2dPlan([1, 2, 3, 3], [1, 2, 2, 2]);
    const cols = Array.from(cpu.readF64(cpu.im2col(cpu.upload(x), plan)));
    const window = (r: number, c: number) =>
      [0, 9].flatMap((ch) => [
        x[ch + r * 3 + c],
        x[ch + r * 3 + c + 1],
        x[ch + (r + 1) * 3 + c],
        x[ch + (r + 1) * 3 + c + 1],
      ]);
    expect(cols).toEqual([...window(0, 0), ...window(0, 1), ...window(1, 0), ...window(1, 1)]);
  });

  it('im2col writes zeros where the window covers padding', () => {
    const plan = conv2dPlan([1, 1, 1, 1], [1, 1, 3, 3], { padding: 1 });
    expect(Array.from(cpu.readF64(cpu.im2col(cpu.upload([5]), plan)))).toEqual([
      0, 0, 0, 0, 5, 0, 0, 0, 0,
    ]);
  });

  const cases: { x: number[]; w: number[]; options: Conv2dOptions }[] = [
    { x: [2, 3, 5, 4], w: [4, 3, 3, 3], options: { stride: 2, padding: 1 } },
    { x: [1, 2, 7, 7], w: [3, 2, 5, 5], options: { padding: 2 } },
    { x: [3, 3, 9, 11], w: [2, 3, 7, 7], options: { stride: 2, padding: 3 } },
    { x: [1, 3, 6, 5], w: [2, 3, 2, 3], options: { stride: [2, 1], padding: [1, 0] } },
  ];

  it('conv2d equals a direct convolution', () => {
    for (const c of cases) {
      const xv = Float64Array.from(
        randomValues(
          c.x.reduce((a, d) => a * d),
          1,
        ),
      );
      const wv = Float64Array.from(
        randomValues(
          c.w.reduce((a, d) => a * d),
          2,
        ),
      );
      const bv = Float64Array.from(randomValues(c.w[0], 3));
      const y = conv2d(
        tensor(cpu, xv, c.x),
        tensor(cpu, wv, c.w),
        tensor(cpu, bv, [c.w[0]]),
        c.options,
      );
      const plan = conv2dPlan(c.x, c.w, c.options);
      expect(y.shape).toEqual([c.x[0], c.w[0], plan.outHeight, plan.outWidth]);
      const want = directConv(
        xv,
        c.x,
        wv,
        c.w,
        bv,
        [plan.strideH, plan.strideW],
        [plan.padH, plan.padW],
      );
      const got = cpu.readF64(y.storage);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    }
  });

  it('col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>', () => {
    for (const c of cases) {
      const plan = conv2dPlan(c.x, c.w, c.options);
      const x = randomValues(
        c.x.reduce((a, d) => a * d),
        4,
      );
      const cols = cpu.readF64(cpu.im2col(cpu.upload(x), plan));
      const r = Float64Array.from(randomValues(cols.length, 5));
      const back = cpu.readF64(col2im(cpu.upload(r), plan));
      const lhs = cols.reduce((s, v, i) => s + v * r[i], 0);
      const rhs = back.reduce((s, v, i) => s + v * x[i], 0);
      expect(lhs).toBeCloseTo(rhs, 10);
    }
  });

  it('rejects shapes that do not fit', () => {
    expect(() => conv2dPlan([1, 3, 4, 4], [2, 2, 3, 3])).toThrow(/weight/);
    expect(() => conv2dPlan([1, 3, 2, 2], [2, 3, 3, 3])).toThrow(/does not fit/);
    expect(conv2dOutputSize(32, 3, 2, 1)).toBe(16);
    expect(conv2dOutputSize(7, 7, 2, 3)).toBe(4);
  });
});

describe('conv, pool and dropout gradients match finite differences', () => {
  it('conv2d: x, weight and bias, stride 2 pad 1', () => {
    expectGradOk(
      ([x, w, b]) => conv2d(x, w, b, { stride: 2, padding: 1 }),
      [input([2, 3, 5, 4], 1), input([4, 3, 3, 3], 2), input([4], 3)],
    );
  });

  it('conv2d: 1x1, no bias; 5x5 pad 2; oblong kernel with [h, w] stride and padding', () => {
    expectGradOk(([x, w]) => conv2d(x, w, null), [input([3, 2, 3, 3], 4), input([3, 2, 1, 1], 5)]);
    expectGradOk(
      ([x, w, b]) => conv2d(x, w, b, { padding: 2 }),
      [input([1, 2, 5, 6], 6), input([2, 2, 5, 5], 7), input([2], 8)],
    );
    expectGradOk(
      ([x, w, b]) => conv2d(x, w, b, { stride: [2, 1], padding: [0, 1] }),
      [input([2, 2, 5, 4], 9), input([3, 2, 2, 3], 10), input([3], 11)],
    );
  });

  it('conv2d: weight only (input not differentiated)', () => {
    expectGradOk(
      ([x, w]) => conv2d(x, w, null, { padding: 1 }),
      [{ ...input([1, 2, 4, 4], 12), differentiable: false }, input([2, 2, 3, 3], 13)],
    );
  });

  // Distinct values (a shuffled ramp) keep the max away from ties, where it has no derivative.
  const distinct = (shape: number[], seed: number): GradcheckInput => {
    const n = shape.reduce((a, d) => a * d, 1);
    const r = randomValues(n, seed);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => r[a] - r[b]);
    const values = new Array<number>(n);
    order.forEach((at, rank) => (values[at] = rank * 0.1 - n * 0.05));
    return { values, shape };
  };

  it('maxPool2d: k2 s2, k3 s2 p1 (overlap, padding), k2 s3 (skipped pixels)', () => {
    expectGradOk(([x]) => maxPool2d(x, { kernel: 2 }), [distinct([2, 2, 4, 5], 1)]);
    expectGradOk(
      ([x]) => maxPool2d(x, { kernel: 3, stride: 2, padding: 1 }),
      [distinct([1, 3, 5, 5], 2)],
    );
    expectGradOk(([x]) => maxPool2d(x, { kernel: 2, stride: 3 }), [distinct([1, 2, 7, 6], 3)]);
  });

  it('avgPool2d: k2 s2, k3 s2 p1', () => {
    expectGradOk(([x]) => avgPool2d(x, { kernel: 2 }), [input([2, 2, 5, 4], 4)]);
    expectGradOk(
      ([x]) => avgPool2d(x, { kernel: 3, stride: 2, padding: 1 }),
      [input([1, 3, 5, 6], 5)],
    );
  });

  it('globalAvgPool2d: square and oblong maps', () => {
    expectGradOk(([x]) => globalAvgPool2d(x), [input([2, 3, 4, 4], 6)]);
    expectGradOk(([x]) => globalAvgPool2d(x), [input([2, 3, 2, 5], 7)]);
  });

  it('dropout with a fixed seed', () => {
    expectGradOk(([x]) => dropout(x, 0.4, 99, true), [input([4, 5], 8)]);
  });
});
