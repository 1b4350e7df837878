// Reduce (sum, max over the middle of (outer, size, inner)) and argmax kernels against the CPU
// reference: rows (inner = 1) and strided (inner > 1) paths, ragged tiles, a 100k-long axis,
// ties, an empty axis and flat grids wrapped into y; plus the reduce ops forward and backward.
import { describe, expect, it } from 'vitest';
import type { Backend, ReduceOp } from '../tensor/backend';
import { backward } from '../tensor/tape';
import { type Tensor, tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend, narrowGridBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { max, mean, sum } from './reduce';

// [outer, size, inner]
const cases: [number, number, number][] = [
  [1, 1, 1],
  [1, 100_000, 1],
  [3, 257, 1],
  [7, 256, 1],
  [5, 255, 1],
  [65, 3, 1],
  [3, 1, 5],
  [1, 3, 17],
  [2, 1000, 33],
  [4, 7, 16],
  [1, 100_000, 2],
  [33, 31, 7],
];

// Small integers sum exactly in float32, so any element missed or counted twice shows.
const integers = (n: number, seed: number) => randomValues(n, seed).map((v) => Math.round(v * 4));

async function compare(
  f: (b: Backend) => ReturnType<Backend['upload']>,
  exact: boolean,
  label: string,
  atol = 0,
) {
  const { gpu } = await gpuBackend();
  const [got, want] = [await gpu.read(f(gpu)), await cpuBackend.read(f(cpuBackend))];
  expectClose(got, want, exact ? { atol: 0, rtol: 0, label } : { atol, rtol: 1e-5, label });
}

describe('reduce and argmax kernels vs CPU reference', () => {
  for (const op of ['sum', 'max'] as ReduceOp[]) {
    it(`${op} over (outer, size, inner) for rows and strided paths`, async () => {
      for (const [outer, size, inner] of cases) {
        const n = outer * size * inner;
        const label = `${op} (${outer}, ${size}, ${inner})`;
        const ints = integers(n, size + inner);
        await compare(
          (b) => b.reduce(op, b.upload(ints), outer, size, inner),
          true,
          `${label} integers`,
        );
        // float32 sums of `size` values in [-1, 1): error grows like sqrt(size) * eps.
        const floats = randomValues(n, outer + size).map((v) => v - 0.75); // all negative: max needs no 0 start
        await compare(
          (b) => b.reduce(op, b.upload(floats), outer, size, inner),
          op === 'max',
          label,
          1e-6 * Math.sqrt(size) * 4,
        );
      }
    });
  }

  it('an empty axis sums to zeros', async () => {
    await compare((b) => b.reduce('sum', b.upload([]), 3, 0, 2), true, 'sum over an empty axis');
  });

  it('flat grids wrapped into y (a runtime with 3 workgroups per dimension)', async () => {
    const { gpu } = await narrowGridBackend();
    for (const [rows, cols] of [
      [7, 2],
      [10, 1],
      [65, 3],
    ]) {
      const x = integers(rows * cols, rows);
      const cases = [
        [
          gpu.reduce('sum', gpu.upload(x), rows, cols, 1),
          cpuBackend.reduce('sum', cpuBackend.upload(x), rows, cols, 1),
        ],
        [
          gpu.reduce('max', gpu.upload(x), 1, rows, cols),
          cpuBackend.reduce('max', cpuBackend.upload(x), 1, rows, cols),
        ],
        [
          gpu.argmax(gpu.upload(x), rows, cols),
          cpuBackend.argmax(cpuBackend.upload(x), rows, cols),
        ],
      ];
      for (const [i, [got, want]] of cases.entries()) {
        expectClose(await gpu.read(got), await cpuBackend.read(want), {
          atol: 0,
          rtol: 0,
          label: `case ${i}, ${rows} x ${cols}`,
        });
      }
    }
  });

  it('max of rows holding -Infinity', async () => {
    const { gpu } = await gpuBackend();
    const x = gpu.upload([-Infinity, -Infinity, -Infinity, -Infinity, 2, -Infinity]);
    expect(Array.from(await gpu.read(gpu.reduce('max', x, 2, 3, 1)))).toEqual([-Infinity, 2]);
    expect(Array.from(await gpu.read(gpu.reduce('max', x, 1, 3, 2)))).toEqual([2, -Infinity]);
  });

  it('argmax picks the lowest index among ties', async () => {
    for (const [rows, cols] of [
      [1, 1],
      [3, 7],
      [5, 257],
      [2, 5000],
      [9, 33],
    ]) {
      // Values in {-2..2}: every row has many ties for its maximum.
      const x = randomValues(rows * cols, cols).map((v) => Math.round(v * 2));
      await compare((b) => b.argmax(b.upload(x), rows, cols), true, `argmax (${rows}, ${cols})`);
    }
    const { gpu } = await gpuBackend();
    const lastWins = Array.from({ length: 600 }, (_, i) => (i === 599 || i === 300 ? 1 : 0));
    expect(Array.from(await gpu.read(gpu.argmax(gpu.upload(lastWins), 1, 600)))).toEqual([300]);
  });
});

describe('reduce ops on the GPU vs CPU, forward and backward', () => {
  async function compareOp(
    f: (x: Tensor) => Tensor,
    shape: number[],
    label: string,
  ): Promise<void> {
    const { gpu } = await gpuBackend();
    const run = async (b: Backend) => {
      const x = tensor(
        b,
        randomValues(
          shape.reduce((p, d) => p * d, 1),
          7,
        ),
        shape,
        { requiresGrad: true },
      );
      const out = f(x);
      backward(out, tensor(b, randomValues(out.size, 8), out.shape));
      return [await out.data(), await x.grad!.data()];
    };
    const [got, want] = [await run(gpu), await run(cpuBackend)];
    expectClose(got[0], want[0], { atol: 1e-5, label: `${label} output` });
    expectClose(got[1], want[1], { atol: 1e-6, label: `${label} grad` });
  }

  it('sum, mean and max over non-adjacent axes of a rank-5 tensor', async () => {
    await compareOp((x) => sum(x, [0, 2, 3]), [3, 5, 1, 4, 7], 'sum');
    await compareOp((x) => mean(x, [1, 4], true), [3, 5, 1, 4, 7], 'mean');
    await compareOp((x) => max(x, [1, 3]), [3, 5, 1, 4, 7], 'max');
    await compareOp((x) => max(x), [33, 65], 'max all');
  });
});
