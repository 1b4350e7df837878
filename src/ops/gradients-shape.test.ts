// Shape, reduction and embedding ops on the float64 CPU reference: forward values on small
// hand-computed cases, then tape gradients against central finite differences.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../testing/backends';
import { gradcheck, type GradcheckInput } from '../testing/gradcheck';
import { randomValues } from '../testing/shapes';
import { backward } from '../tensor/tape';
import { type Tensor, tensor } from '../tensor/tensor';
import { embedding } from './embedding';
import { max, mean, sum } from './reduce';
import { broadcastTo, concat, permute, reshape, slice, transpose } from './shape';

function input(shape: number[], seed: number): GradcheckInput {
  const n = shape.reduce((p, d) => p * d, 1);
  return { values: Array.from(randomValues(n, seed)), shape };
}

function expectGradOk(f: (xs: Tensor[]) => Tensor, inputs: GradcheckInput[]): void {
  const r = gradcheck(f, inputs);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxAbsError).toBeLessThan(1e-6);
}

const values = (t: Tensor) => Array.from(cpuBackend.readF64(t.storage));
const iota = (shape: number[]) =>
  tensor(
    cpuBackend,
    Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i),
    shape,
  );

describe('shape, reduce and embedding forward values', () => {
  it('transpose, permute, slice, concat, broadcastTo', () => {
    const x = iota([2, 3]); // [[0 1 2] [3 4 5]]
    expect(values(transpose(x, 0, 1))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(permute(iota([2, 3, 4]), [2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(values(permute(iota([2, 3, 4]), [2, 0, 1])).slice(0, 7)).toEqual([
      0, 4, 8, 12, 16, 20, 1,
    ]);
    expect(values(slice(x, [0, 1], [2, 3]))).toEqual([1, 2, 4, 5]);
    expect(values(slice(x, [-1], [2]))).toEqual([3, 4, 5]);
    expect(values(concat([x, iota([2, 1])], 1))).toEqual([0, 1, 2, 0, 3, 4, 5, 1]);
    expect(values(concat([x, x], 0))).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5]);
    expect(values(broadcastTo(iota([3, 1]), [2, 3, 2]))).toEqual([
      0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2,
    ]);
    expect(reshape(x, [-1, 2]).shape).toEqual([3, 2]);
    expect(() => reshape(x, [4, -1])).toThrow(/do not fit/);
    expect(() => slice(x, [0], [3])).toThrow(/does not fit/);
  });

  it('sum, mean, max over axes', () => {
    const x = iota([2, 3, 2]);
    expect(values(sum(x))).toEqual([66]);
    expect(sum(x).shape).toEqual([]);
    expect(values(sum(x, 1))).toEqual([6, 9, 24, 27]);
    expect(values(sum(x, [0, 2], true))).toEqual([14, 22, 30]);
    expect(sum(x, [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(values(mean(x, -1))).toEqual([0.5, 2.5, 4.5, 6.5, 8.5, 10.5]);
    expect(values(max(x, [0, 2]))).toEqual([7, 9, 11]);
    expect(values(max(tensor(cpuBackend, [-3, -1, -2], [3])))).toEqual([-1]);
  });

  it('max backward splits the gradient among tied maxima', () => {
    const x = tensor(cpuBackend, [1, 3, 3, 2, 5, 4], [2, 3], { requiresGrad: true });
    backward(max(x, 1), tensor(cpuBackend, [6, 10], [2]));
    expect(values(x.grad!)).toEqual([0, 3, 3, 0, 10, 0]);
  });

  it('embedding gathers rows and sums gradients of repeated indices', () => {
    const table = tensor(cpuBackend, [0, 1, 10, 11, 20, 21], [3, 2], { requiresGrad: true });
    const out = embedding(table, tensor(cpuBackend, [2, 0, 2], [3]));
    expect(values(out)).toEqual([20, 21, 0, 1, 20, 21]);
    backward(out, tensor(cpuBackend, [1, 2, 3, 4, 5, 6], [3, 2]));
    expect(values(table.grad!)).toEqual([3, 4, 0, 0, 6, 8]);
    expect(() => embedding(table, tensor(cpuBackend, [3], [1]))).toThrow(/not a row/);
  });
});

describe('shape, reduce and embedding gradients match finite differences', () => {
  it('reshape', () => expectGradOk(([x]) => reshape(x, [3, -1]), [input([2, 3, 2], 1)]));

  it('transpose and permute, rank 2 to 5', () => {
    expectGradOk(([x]) => transpose(x, 0, 1), [input([3, 4], 2)]);
    expectGradOk(([x]) => transpose(x, -1, 1), [input([2, 3, 1, 4], 3)]);
    expectGradOk(([x]) => permute(x, [3, 1, 4, 0, 2]), [input([2, 1, 3, 2, 2], 4)]);
  });

  it('slice along several axes, including an empty one', () => {
    expectGradOk(([x]) => slice(x, [1, 0, 2], [3, 2, 4]), [input([3, 2, 5], 5)]);
    expectGradOk(([x]) => slice(x, [0, -2], [2, 4]), [input([2, 4], 6)]);
    expectGradOk(([x]) => concat([slice(x, [1], [1]), slice(x, [0], [1])], 0), [input([2, 3], 7)]);
  });

  it('concat on first, middle and last axes, with an input used twice', () => {
    expectGradOk(([a, b]) => concat([a, b], 0), [input([1, 3], 8), input([2, 3], 9)]);
    expectGradOk(([a, b]) => concat([a, b, a], 1), [input([2, 1, 3], 10), input([2, 2, 3], 11)]);
    expectGradOk(([a, b]) => concat([b, a], -1), [input([2, 3, 1], 12), input([2, 3, 2], 13)]);
  });

  it('broadcastTo', () => {
    expectGradOk(([x]) => broadcastTo(x, [2, 3, 4]), [input([3, 1], 14)]);
    expectGradOk(([x]) => broadcastTo(x, [2, 1, 5]), [input([1], 15)]);
  });

  it('sum and mean over all, one, several and non-adjacent axes', () => {
    const shape = [2, 3, 4, 2];
    expectGradOk(([x]) => sum(x), [input(shape, 16)]);
    expectGradOk(([x]) => sum(x, 2), [input(shape, 17)]);
    expectGradOk(([x]) => sum(x, [0, 2, 3], true), [input(shape, 18)]);
    expectGradOk(([x]) => mean(x, [1, 2]), [input(shape, 19)]);
    expectGradOk(([x]) => mean(x, [-1, 0], true), [input(shape, 20)]);
  });

  it('max over one and several axes (distinct values, so no ties)', () => {
    expectGradOk(([x]) => max(x, 1), [input([3, 5, 2], 21)]);
    expectGradOk(([x]) => max(x, [0, 2], true), [input([3, 5, 2], 22)]);
    expectGradOk(([x]) => max(x), [input([4, 3], 23)]);
  });

  it('embedding with repeated indices', () => {
    const indices = { values: [3, 0, 3, 4, 3, 1], shape: [2, 3], differentiable: false };
    expectGradOk(([table, idx]) => embedding(table, idx), [input([5, 3], 24), indices]);
  });
});
