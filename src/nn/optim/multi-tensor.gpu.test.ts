// The one-pass optimisers over parameter arenas against the per-tensor composition they replace:
// per parameter, mask the gradient, one sgdStep / adamwStep with that parameter's weight decay,
// then mask the weight and the state (docs/sift-method.md, "Sparse training"), on separate
// storages. Both the GPU and the CPU reference run the arena path; the composition runs on the
// CPU reference. Sizes are awkward (1, 63, 65, 257: none a multiple of the arena's 64-value
// alignment), there are two weight decay groups, masks on two of four parameters, clipping
// through a device-side factor, and every step must be a single dispatch.
import { describe, expect, it } from 'vitest';
import type { Backend, Storage } from '../../tensor/backend';
import { scope } from '../../tensor/scope';
import { type Tensor, tensor } from '../../tensor/tensor';
import { cpuBackend, gpuBackend } from '../../testing/backends';
import { expectClose } from '../../testing/expect-close';
import { randomValues } from '../../testing/shapes';
import { AdamW } from './adamw';
import { clipGradients, clipGradNorm } from './clip';
import { SGD, type Optimizer } from './sgd';

const SHAPES = [[1], [7, 9], [65], [257]];
const DECAYS = [0.05, 0, 0.05, 0];
const STEPS = 3;

const gradValues = (i: number, step: number, size: number) =>
  randomValues(size, 100 * i + step).map((g) => 2 * g);
const maskValues = (i: number, size: number) =>
  randomValues(size, 500 + i).map((v) => (v > 0 ? 1 : 0));
const masked = (i: number) => i === 1 || i === 3;
const lrAt = (step: number) => 0.1 / (step + 1);

type Kind = 'sgd' | 'adamw';

const sizeOf = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

const makeParams = (be: Backend) =>
  SHAPES.map((shape, i) =>
    tensor(be, randomValues(sizeOf(shape), i + 1), shape, { requiresGrad: true, name: `p${i}` }),
  );

function makeOptimizer(kind: Kind, params: Tensor[]): Optimizer {
  const groups = [
    { params: params.filter((_, i) => DECAYS[i] > 0), weightDecay: 0.05 },
    { params: params.filter((_, i) => DECAYS[i] === 0), weightDecay: 0 },
  ];
  return kind === 'sgd'
    ? new SGD(groups, { lr: 0.1, momentum: 0.9, nesterov: true })
    : new AdamW(groups, { lr: 0.1, betas: [0.9, 0.95] });
}

/** Parameters then state, in the optimiser's namedState order, after STEPS steps on the arenas. */
async function runArena(
  be: Backend,
  kind: Kind,
  clip: number | null,
  countDispatches = () => 0,
): Promise<{ values: Float32Array[]; dispatchesPerStep: number[] }> {
  const params = makeParams(be);
  const opt = makeOptimizer(kind, params);
  const masks = new Map<Tensor, Storage>();
  params.forEach((p, i) => {
    if (masked(i)) masks.set(p, be.upload(maskValues(i, p.size)));
  });
  const dispatchesPerStep: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    scope(() => {
      params.forEach((p, i) => {
        p.grad = tensor(be, gradValues(i, step, p.size), p.shape);
      });
      const scale = clip === null ? null : tensor(be, [clip], [1]);
      const before = countDispatches();
      opt.step(lrAt(step), scale, masks);
      dispatchesPerStep.push(countDispatches() - before);
      opt.zeroGrad();
    });
  }
  const values = await Promise.all([
    ...params.map((p) => p.data()),
    ...opt.namedState().map(([, t]) => t.data()),
  ]);
  opt.dispose();
  return { values, dispatchesPerStep };
}

/** The per-tensor composition on the CPU reference, same order of results as runArena. */
async function runComposed(kind: Kind, clip: number | null): Promise<Float32Array[]> {
  const be = cpuBackend;
  const ws = SHAPES.map((shape, i) => be.upload(randomValues(sizeOf(shape), i + 1)));
  const states = ws.map((w) =>
    kind === 'sgd' ? [be.zeros(w.size)] : [be.zeros(w.size), be.zeros(w.size)],
  );
  const masks = ws.map((w, i) => (masked(i) ? be.upload(maskValues(i, w.size)) : null));
  const same = (n: number) => ({ outShape: [n], aStrides: [1], bStrides: [1] });
  const applyMask = (s: Storage, m: Storage | null) => {
    if (m) be.assign(s, be.binary('mul', s, m, same(s.size)));
  };
  const scale = clip === null ? undefined : be.upload([clip]);
  for (let step = 0; step < STEPS; step++) {
    ws.forEach((w, i) => {
      const g = be.upload(gradValues(i, step, w.size));
      applyMask(g, masks[i]);
      const common = {
        lr: lrAt(step),
        weightDecay: DECAYS[i],
        gradScale: 1,
        gradScaleBuffer: scale,
      };
      if (kind === 'sgd') {
        be.sgdStep(w, g, states[i][0], { ...common, momentum: 0.9, nesterov: true });
      } else {
        be.adamwStep(w, g, states[i][0], states[i][1], {
          ...common,
          beta1: 0.9,
          beta2: 0.95,
          eps: 1e-8,
          step: step + 1,
        });
      }
      applyMask(w, masks[i]);
      for (const s of states[i]) applyMask(s, masks[i]);
    });
  }
  // namedState lists state by parameter in group order (SGD: momentum; AdamW: exp_avg, exp_avg_sq).
  const groupOrder = [0, 2, 1, 3];
  return Promise.all([...ws, ...groupOrder.flatMap((i) => states[i])].map((s) => be.read(s)));
}

describe('one-pass optimisers over parameter arenas equal the per-tensor composition', () => {
  for (const kind of ['sgd', 'adamw'] as const) {
    for (const clip of [null, 0.3]) {
      it(`${kind}, two decay groups, masks on two parameters${clip ? ', scaled gradients' : ''}`, async () => {
        const { gpu, rt } = await gpuBackend();
        const want = await runComposed(kind, clip);
        const cpu = await runArena(cpuBackend, kind, clip);
        const got = await runArena(gpu, kind, clip, () => rt.counters.dispatches);
        expect(got.values.length).toBe(want.length);
        want.forEach((w, i) => {
          expectClose(cpu.values[i], w, { atol: 1e-6, rtol: 1e-6, label: `cpu arena ${i}` });
          expectClose(got.values[i], w, { atol: 2e-5, rtol: 1e-4, label: `gpu arena ${i}` });
        });
        // Masked positions stayed exactly zero in the weights and the state.
        const mask = maskValues(1, 63);
        expect(got.values[1].every((v, j) => mask[j] === 1 || v === 0)).toBe(true);
        // One pass per step; the first also fills the mask arena with ones when it is made.
        expect(got.dispatchesPerStep).toEqual([2, 1, 1]);
      });
    }
  }

  it('the global gradient norm over the flat gradient arena equals the per-parameter one', async () => {
    const { gpu, rt } = await gpuBackend();
    const params = makeParams(gpu);
    const opt = makeOptimizer('adamw', params);
    params.forEach((p, i) => {
      p.grad = tensor(gpu, gradValues(i, 0, p.size), p.shape);
    });
    expect(opt.gradients().length).toBe(1);
    const before = rt.counters.dispatches;
    const flat = clipGradients(opt.gradients(), 0.5);
    const flatDispatches = rt.counters.dispatches - before;
    const perParam = clipGradNorm(params, 0.5);
    const [flatNorm, norm, flatScale, scale] = await Promise.all(
      [flat.totalNorm, perParam.totalNorm, flat.scale, perParam.scale].map((t) => t.data()),
    );
    expectClose(flatNorm, norm, { atol: 1e-6, rtol: 1e-5, label: 'norm' });
    expectClose(flatScale, scale, { atol: 1e-6, rtol: 1e-5, label: 'scale' });
    expect(scale[0]).toBeLessThan(1);
    // Square + one reduction + the 6-dispatch scalar epilogue, whatever the parameter count.
    expect(flatDispatches).toBe(8);
    // A parameter without a gradient: back to one tensor per gradient.
    params[2].grad!.dispose();
    params[2].grad = null;
    expect(opt.gradients().length).toBe(3);
    opt.dispose();
  });

  it('parameters keep working as tensors after the optimiser is disposed', async () => {
    const { gpu } = await gpuBackend();
    const p = tensor(gpu, [1, 2, 3], [3], { requiresGrad: true, name: 'p' });
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = tensor(gpu, [1, 1, 1], [3]);
    opt.step();
    opt.dispose();
    // A fresh allocation reusing the freed arena must not disturb p.
    const other = tensor(gpu, [9, 9, 9, 9], [4]);
    expect(Array.from(await p.data())).toEqual([0.5, 1.5, 2.5]);
    expect(Array.from(await p.grad!.data())).toEqual([1, 1, 1]);
    other.dispose();
  });
});
