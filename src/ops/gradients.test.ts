// Tape gradients of every differentiable op against central finite differences, in float64 on the
// CPU reference backend.
import { describe, expect, it } from 'vitest';
import { gradcheck, type GradcheckInput } from '../testing/gradcheck';
import { randomValues } from '../testing/shapes';
import type { Tensor } from '../tensor/tensor';
import * as ew from './elementwise';
import { matmul } from './matmul';

function input(
  shape: number[],
  seed: number,
  map: (v: number) => number = (v) => v,
): GradcheckInput {
  const n = shape.reduce((p, d) => p * d, 1);
  return { values: Array.from(randomValues(n, seed), map), shape };
}

const awayFromZero = (v: number) => Math.sign(v) * (Math.abs(v) + 0.2);
const positive = (v: number) => Math.abs(v) + 0.3;

function expectGradOk(f: (xs: Tensor[]) => Tensor, inputs: GradcheckInput[], tol = 1e-6): void {
  const r = gradcheck(f, inputs);
  expect(r.checked).toBeGreaterThan(0);
  expect(r.maxAbsError).toBeLessThan(tol);
}

describe('gradients match finite differences', () => {
  const unary: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ['neg', ew.neg, (v) => v],
    ['exp', ew.exp, (v) => v],
    ['log', ew.log, positive],
    ['sqrt', ew.sqrt, positive],
    ['abs', ew.abs, awayFromZero],
    ['relu', ew.relu, awayFromZero],
    ['gelu', ew.gelu, (v) => 3 * v],
    ['tanh', ew.tanh, (v) => 2 * v],
    ['sigmoid', ew.sigmoid, (v) => 3 * v],
    ['square', ew.square, (v) => v],
    ['scale', (x) => ew.scale(x, -2.5), (v) => v],
    ['addScalar', (x) => ew.addScalar(x, 0.7), (v) => v],
    ['powScalar', (x) => ew.powScalar(x, 2.5), positive],
  ];
  for (const [name, f, map] of unary) {
    it(name, () => expectGradOk(([x]) => f(x), [input([3, 5], 11, map)]));
  }

  const binary: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', ew.add],
    ['sub', ew.sub],
    ['mul', ew.mul],
    ['div', ew.div],
    ['pow', ew.pow],
  ];
  for (const [name, f] of binary) {
    it(`${name} with broadcasting`, () => {
      expectGradOk(
        ([a, b]) => f(a, b),
        [input([2, 3, 4], 1, positive), input([3, 1], 2, positive)],
      );
      expectGradOk(([a, b]) => f(a, b), [input([1, 4], 3, positive), input([5, 1], 4, positive)]);
    });
  }

  it('matmul, all transposes and a batch-shared weight', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = input(transA ? [4, 3] : [3, 4], 5);
        const b = input(transB ? [2, 4] : [4, 2], 6);
        expectGradOk(([x, y]) => matmul(x, y, { transA, transB }), [a, b]);
      }
    }
    expectGradOk(
      ([x, w]) => matmul(x, w, { transB: true }),
      [input([2, 3, 4], 7), input([5, 4], 8)],
    );
  });
});
