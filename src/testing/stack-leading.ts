// stackLeading (ops/stack.ts) on one backend, in the three layouts it meets: parameters end to
// end in an arena (a view forward, one copy back), parameters padded apart (copies), and separate
// tensors, one already holding a gradient and one not a leaf (the tape's path). Every value and
// gradient against concat's, exactly: all of them are copies.
import { expect } from 'vitest';
import { add, mul } from '../ops/elementwise';
import { sum } from '../ops/reduce';
import { concat } from '../ops/shape';
import { stackLeading } from '../ops/stack';
import type { Backend } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { Tensor, tensor } from '../tensor/tensor';
import { expectClose } from './expect-close';
import { randomValues } from './shapes';

export interface StackLayoutResult {
  /** The stacked tensor shares the parameters' memory. */
  isView: boolean;
  /** Each parameter's gradient is its gradient slot. */
  gradsInSlots: boolean;
  /** What countCopies counted over the stack and its backward. */
  copies: number;
}

/** Parameters of `shapes` as parts of one arena (gradient slots in a second one), stacked. */
export async function checkArenaStack(
  be: Backend,
  shapes: number[][],
  { packed = false, countCopies = () => 0 }: { packed?: boolean; countCopies?: () => number } = {},
): Promise<StackLayoutResult> {
  const sizes = shapes.map((s) => s.reduce((p, d) => p * d, 1));
  const params = be.arena(sizes, 0, packed);
  const grads = be.arena(sizes, 0, packed);
  const xs = shapes.map((shape, i) => {
    const x = new Tensor(be, params.parts[i], shape, { requiresGrad: true, name: `p${i}` });
    const values = be.upload(randomValues(sizes[i], i + 1));
    be.assign(x.storage, values);
    be.release(values);
    x.gradSlot = grads.parts[i];
    return x;
  });
  const seed = randomValues(
    xs.reduce((n, x) => n + x.size, 0),
    7,
  );
  const dy = tensor(be, seed, [seed.length]);
  const before = countCopies();
  const y = stackLeading(xs);
  backward(y, dy.view(y.shape));
  const copies = countCopies() - before;
  const want = shapes.flatMap((_, i) => [...randomValues(sizes[i], i + 1)]);
  expect(y.shape).toEqual([shapes.reduce((n, sh) => n + sh[0], 0), ...shapes[0].slice(1)]);
  expectClose(await y.data(), want, { atol: 0, label: 'stacked values' });
  let at = 0;
  for (const x of xs) {
    expectClose(await x.grad!.data(), seed.slice(at, at + x.size), {
      atol: 0,
      label: `${x.name} grad`,
    });
    at += x.size;
  }
  // A view sees a later write to the parameters; a copy does not.
  const zeros = be.zeros(sizes[0]);
  be.assign(params.parts[0], zeros);
  be.release(zeros);
  const result = {
    isView: (await y.data())[0] === 0,
    gradsInSlots: xs.every((x, i) => x.grad!.storage === grads.parts[i]),
    copies,
  };
  be.release(params.whole);
  be.release(grads.whole);
  return result;
}

/** Separate tensors: one with a gradient already, one computed (not a leaf), one plain leaf. */
export async function checkLooseStack(be: Backend): Promise<void> {
  const shape = [2, 3];
  const values = (seed: number) => randomValues(6, seed);
  const withGrad = tensor(be, values(1), shape, { requiresGrad: true });
  withGrad.grad = tensor(be, values(2), shape);
  withGrad.gradSlot = withGrad.grad.storage;
  const source = tensor(be, values(3), shape, { requiresGrad: true });
  const computed = mul(source, tensor(be, Array(6).fill(2), shape));
  const leaf = tensor(be, values(4), shape, { requiresGrad: true });
  const xs = [withGrad, computed, leaf];
  const y = stackLeading(xs);
  const reference = concat(xs, 0);
  expectClose(await y.data(), await reference.data(), { atol: 0, label: 'values' });
  const seed = randomValues(18, 5);
  backward(y, tensor(be, seed, y.shape));
  const part = (i: number) => seed.slice(6 * i, 6 * i + 6);
  expectClose(
    await withGrad.grad!.data(),
    values(2).map((v, i) => v + part(0)[i]),
    {
      atol: 1e-6,
      label: 'accumulated grad',
    },
  );
  expectClose(
    await source.grad!.data(),
    part(1).map((v) => 2 * v),
    { atol: 1e-6, label: 'through mul' },
  );
  expectClose(await leaf.grad!.data(), part(2), { atol: 0, label: 'plain leaf' });
}

/**
 * A parameter stacked and also used directly: its slot takes the stack's part of the gradient
 * (a copy deferred to the end of backward) before the other use's gradient is added in.
 */
export async function checkSharedLeaf(be: Backend): Promise<void> {
  const params = be.arena([4, 4], 0);
  const grads = be.arena([4, 4], 0);
  const [a, b] = [0, 1].map((i) => {
    const t = new Tensor(be, params.parts[i], [1, 4], { requiresGrad: true, name: `p${i}` });
    t.gradSlot = grads.parts[i];
    return t;
  });
  const seed = randomValues(8, 3);
  const y = stackLeading([a, b]);
  const twice = mul(a, tensor(be, [2, 2, 2, 2], [1, 4]));
  // loss = <seed, y> + <1, 2a>: d/da = seed[0..4) + 2, d/db = seed[4..8).
  const loss = add(sum(mul(y, tensor(be, seed, [2, 4]))), sum(twice));
  backward(loss);
  expectClose(
    await a.grad!.data(),
    seed.slice(0, 4).map((v) => v + 2),
    { atol: 1e-6, label: 'a' },
  );
  expectClose(await b.grad!.data(), seed.slice(4, 8), { atol: 1e-6, label: 'b' });
  be.release(params.whole);
  be.release(grads.whole);
}
