// Strided gather / scatter-add kernels against the CPU reference on permutes, slices and
// broadcasts of awkward shapes (size-1 dims, rank up to 8 before merging), plus the shape ops
// forward and backward on the GPU.
import { describe, expect, it } from 'vitest';
import type { Backend, StridedView } from '../tensor/backend';
import { contiguousStrides } from '../tensor/shape';
import { backward } from '../tensor/tape';
import { type Tensor, tensor } from '../tensor/tensor';
import { cpuBackend, gpuBackend } from '../testing/backends';
import { expectClose } from '../testing/expect-close';
import { randomValues } from '../testing/shapes';
import { broadcastTo, concat, permute, slice, transpose } from './shape';

const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function permutedView(shape: number[], dims: number[]): StridedView {
  const strides = contiguousStrides(shape);
  return { shape: dims.map((d) => shape[d]), strides: dims.map((d) => strides[d]), offset: 0 };
}

// [shape, permutation]: reversals and rotations, size-1 dims, ranks 1 to 6, and rank 7-8 views
// that only fit the kernel's six dims once size-1 and contiguous dims are merged.
const permutes: [number[], number[]][] = [
  [[7], [0]],
  [[1], [0]],
  [
    [33, 65],
    [1, 0],
  ],
  [
    [1, 31, 1],
    [2, 0, 1],
  ],
  [
    [2, 3, 1, 5],
    [3, 1, 0, 2],
  ],
  [
    [3, 1, 4, 2, 5],
    [4, 2, 0, 3, 1],
  ],
  [
    [2, 3, 1, 2, 3, 2],
    [5, 4, 3, 2, 1, 0],
  ],
  [
    [2, 1, 3, 2, 1, 2, 3],
    [0, 1, 2, 3, 4, 6, 5],
  ],
  [
    [2, 2, 2, 2, 2, 2, 2, 3],
    [1, 0, 2, 3, 4, 5, 7, 6],
  ],
];

// Views into a (4, 5, 6, 7) source: slices with offsets, a single element, broadcasts (stride 0).
const views: StridedView[] = [
  { shape: [2, 3, 4, 5], strides: [210, 42, 7, 1], offset: 210 + 42 + 14 + 2 },
  { shape: [4, 1, 6, 7], strides: [210, 42, 7, 1], offset: 84 },
  { shape: [1], strides: [1], offset: 839 },
  { shape: [], strides: [], offset: 5 },
  { shape: [4, 7], strides: [210, 1], offset: 0 },
  { shape: [3, 5, 2], strides: [0, 1, 0], offset: 3 },
  { shape: [65, 3], strides: [0, 7], offset: 0 },
];

describe('strided copy kernels vs CPU reference', () => {
  it('gatherStrided: permutes of rank 1 to 8 with size-1 dims', async () => {
    const { gpu } = await gpuBackend();
    for (const [shape, dims] of permutes) {
      const x = randomValues(sizeOf(shape), shape.length);
      const view = permutedView(shape, dims);
      const want = await cpuBackend.read(cpuBackend.gatherStrided(cpuBackend.upload(x), view));
      const got = await gpu.read(gpu.gatherStrided(gpu.upload(x), view));
      expectClose(got, want, { atol: 0, rtol: 0, label: `permute [${shape}] by [${dims}]` });
    }
  });

  it('gatherStrided: slices, single elements and broadcasts', async () => {
    const { gpu } = await gpuBackend();
    const x = randomValues(4 * 5 * 6 * 7, 9);
    for (const view of views) {
      const want = await cpuBackend.read(cpuBackend.gatherStrided(cpuBackend.upload(x), view));
      const got = await gpu.read(gpu.gatherStrided(gpu.upload(x), view));
      expect(got.length).toBe(sizeOf(view.shape));
      expectClose(got, want, {
        atol: 0,
        rtol: 0,
        label: `view [${view.shape}] offset ${view.offset}`,
      });
    }
  });

  it('scatterAddStrided adds into permuted and sliced targets, leaving the rest alone', async () => {
    const { gpu } = await gpuBackend();
    const targets: [number, StridedView][] = [
      ...permutes.map(([shape, dims]): [number, StridedView] => [
        sizeOf(shape),
        permutedView(shape, dims),
      ]),
      ...views.slice(0, 5).map((v): [number, StridedView] => [4 * 5 * 6 * 7, v]),
    ];
    for (const [dstSize, view] of targets) {
      const dst = randomValues(dstSize, 3);
      const src = randomValues(sizeOf(view.shape), 4);
      const run = async (b: Backend) => {
        const d = b.upload(dst);
        b.scatterAddStrided(d, b.upload(src), view);
        return b.read(d);
      };
      expectClose(await run(gpu), await run(cpuBackend), {
        atol: 1e-6,
        rtol: 1e-6,
        label: `scatter [${view.shape}]`,
      });
    }
  });

  it('scatterAddStrided refuses a broadcast (zero-stride) view on the GPU', async () => {
    const { gpu } = await gpuBackend();
    const view = { shape: [3, 2], strides: [0, 1], offset: 0 };
    expect(() => gpu.scatterAddStrided(gpu.zeros(2), gpu.upload([1, 2, 3, 4, 5, 6]), view)).toThrow(
      /unique targets/,
    );
  });
});

describe('shape ops on the GPU vs CPU, forward and backward', () => {
  // Run f on both backends with the same inputs and a random output weighting; compare the
  // output and every input's gradient.
  async function compare(
    f: (xs: Tensor[]) => Tensor,
    shapes: number[][],
    label: string,
  ): Promise<void> {
    const { gpu } = await gpuBackend();
    const run = async (b: Backend) => {
      const xs = shapes.map((s, i) =>
        tensor(b, randomValues(sizeOf(s), 20 + i), s, { requiresGrad: true }),
      );
      const out = f(xs);
      backward(out, tensor(b, randomValues(out.size, 5), out.shape));
      return [await out.data(), ...(await Promise.all(xs.map((x) => x.grad!.data())))];
    };
    const [got, want] = [await run(gpu), await run(cpuBackend)];
    got.forEach((g, i) =>
      expectClose(g, want[i], {
        atol: 1e-6,
        label: `${label} ${i === 0 ? 'output' : `grad ${i - 1}`}`,
      }),
    );
  }

  it('permute and transpose, rank 5 and 6', async () => {
    await compare(([x]) => permute(x, [4, 0, 3, 1, 2]), [[2, 3, 1, 4, 5]], 'permute');
    await compare(([x]) => transpose(x, 1, 4), [[2, 3, 1, 2, 3, 2]], 'transpose');
  });

  it('slice, concat and broadcastTo', async () => {
    await compare(([x]) => slice(x, [1, 0, 2], [3, 1, 7]), [[3, 1, 9]], 'slice');
    await compare(([x]) => slice(x, [2], [5]), [[7, 33]], 'slice rows');
    await compare(
      ([a, b]) => concat([a, b, a], 1),
      [
        [2, 3, 5],
        [2, 1, 5],
      ],
      'concat',
    );
    await compare(([x]) => broadcastTo(x, [3, 7, 65]), [[7, 1]], 'broadcastTo');
  });
});
