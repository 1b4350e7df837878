// Optimisers: the sgdStep / adamwStep primitives on the GPU against the float64 CPU reference over
// three steps (state carried between steps), hand-computed single steps of the reference, the
// SGD / AdamW classes end to end on both backends, and global-norm clipping with no readback.
import { describe, expect, it } from 'vitest';
import type { AdamWParams, Backend, SgdParams, Storage } from '../../tensor/backend';
import { scope } from '../../tensor/scope';
import { type Tensor, tensor } from '../../tensor/tensor';
import { cpuBackend, gpuBackend } from '../../testing/backends';
import { expectClose } from '../../testing/expect-close';
import { randomValues } from '../../testing/shapes';
import { AdamW } from './adamw';
import { clipGradNorm } from './clip';
import { SGD, type Optimizer } from './sgd';

const sizes = [1, 257, 5000];

type SgdCase = Omit<SgdParams, 'gradScaleBuffer'> & { useMomentum: boolean; scaleBuffer?: number };

const sgdCases: SgdCase[] = [
  { lr: 0.1, momentum: 0, weightDecay: 0, nesterov: false, gradScale: 1, useMomentum: false },
  { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: false, gradScale: 1, useMomentum: true },
  { lr: 0.05, momentum: 0.9, weightDecay: 5e-4, nesterov: true, gradScale: 0.5, useMomentum: true },
  {
    lr: 0.2,
    momentum: 0,
    weightDecay: 1e-2,
    nesterov: false,
    gradScale: 2,
    useMomentum: false,
    scaleBuffer: 0.25,
  },
  {
    lr: 0.1,
    momentum: 0.5,
    weightDecay: 0,
    nesterov: true,
    gradScale: 1,
    useMomentum: true,
    scaleBuffer: 0.7,
  },
];

async function runSgd(be: Backend, n: number, c: SgdCase): Promise<Float32Array[]> {
  const w = be.upload(randomValues(n, 1));
  const buf = c.useMomentum ? be.zeros(n) : null;
  const scale = c.scaleBuffer === undefined ? undefined : be.upload([c.scaleBuffer]);
  for (let step = 0; step < 3; step++) {
    be.sgdStep(w, be.upload(randomValues(n, 10 + step)), buf, { ...c, gradScaleBuffer: scale });
  }
  return Promise.all([w, ...(buf ? [buf] : [])].map((s) => be.read(s)));
}

type AdamCase = Omit<AdamWParams, 'step' | 'gradScaleBuffer'> & { scaleBuffer?: number };

const adamCases: AdamCase[] = [
  { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, gradScale: 1 },
  { lr: 3e-2, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, gradScale: 0.5 },
  { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradScale: 1, scaleBuffer: 0.3 },
];

async function runAdam(be: Backend, n: number, c: AdamCase): Promise<Float32Array[]> {
  const w = be.upload(randomValues(n, 1));
  const m = be.zeros(n);
  const v = be.zeros(n);
  const scale = c.scaleBuffer === undefined ? undefined : be.upload([c.scaleBuffer]);
  for (let step = 1; step <= 3; step++) {
    be.adamwStep(w, be.upload(randomValues(n, 10 + step)), m, v, {
      ...c,
      step,
      gradScaleBuffer: scale,
    });
  }
  return Promise.all([w, m, v].map((s) => be.read(s)));
}

describe('optimiser primitives: GPU vs CPU reference over 3 steps', () => {
  sgdCases.forEach((c, i) => {
    it(`sgdStep case ${i}: momentum ${c.momentum}, nesterov ${c.nesterov}, wd ${c.weightDecay}, scale buffer ${c.scaleBuffer ?? 'none'}`, async () => {
      const { gpu } = await gpuBackend();
      for (const n of sizes) {
        const want = await runSgd(cpuBackend, n, c);
        const got = await runSgd(gpu, n, c);
        got.forEach((g, j) =>
          expectClose(g, want[j], { atol: 1e-6, rtol: 1e-5, label: `n=${n} ${j ? 'buf' : 'w'}` }),
        );
      }
    });
  });
  adamCases.forEach((c, i) => {
    it(`adamwStep case ${i}: betas ${c.beta1}/${c.beta2}, wd ${c.weightDecay}, scale buffer ${c.scaleBuffer ?? 'none'}`, async () => {
      const { gpu } = await gpuBackend();
      for (const n of sizes) {
        const want = await runAdam(cpuBackend, n, c);
        const got = await runAdam(gpu, n, c);
        // m / (sqrt(v) + eps) is sensitive where v is tiny: absolute 1e-5 on w (lr <= 3e-2).
        got.forEach((g, j) =>
          expectClose(g, want[j], {
            atol: 1e-5,
            rtol: 1e-4,
            label: `n=${n} ${['w', 'm', 'v'][j]}`,
          }),
        );
      }
    });
  });
});

describe('CPU reference against hand-computed PyTorch steps', () => {
  const read = (s: Storage) => Array.from(cpuBackend.readF64(s));

  it('SGD momentum 0.9, wd 0.1, plain and Nesterov, two steps', () => {
    for (const nesterov of [false, true]) {
      const w = cpuBackend.upload([1]);
      const buf = cpuBackend.zeros(1);
      const p = { lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov, gradScale: 1 };
      // step 1: d = 0.5 + 0.1 * 1 = 0.6; buf = 0.6; update = nesterov ? 0.6 + 0.54 : 0.6
      cpuBackend.sgdStep(w, cpuBackend.upload([0.5]), buf, p);
      const w1 = nesterov ? 1 - 0.1 * 1.14 : 1 - 0.06;
      expect(read(w)[0]).toBeCloseTo(w1, 12);
      // step 2: d = 0.5 + 0.1 * w1; buf = 0.54 + d
      cpuBackend.sgdStep(w, cpuBackend.upload([0.5]), buf, p);
      const d = 0.5 + 0.1 * w1;
      const b = 0.9 * 0.6 + d;
      expect(read(buf)[0]).toBeCloseTo(b, 12);
      expect(read(w)[0]).toBeCloseTo(w1 - 0.1 * (nesterov ? d + 0.9 * b : b), 12);
    }
  });

  it('AdamW first step moves each weight by about lr against its gradient sign, after decay', () => {
    const w = cpuBackend.upload([1, -2]);
    const m = cpuBackend.zeros(2);
    const v = cpuBackend.zeros(2);
    cpuBackend.adamwStep(w, cpuBackend.upload([0.3, -4]), m, v, {
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.1,
      step: 1,
      gradScale: 1,
    });
    // m_hat = g, v_hat = g^2: update = lr * g / (|g| + eps).
    expect(read(w)[0]).toBeCloseTo(1 * (1 - 0.001) - 0.01 * (0.3 / (0.3 + 1e-8)), 12);
    expect(read(w)[1]).toBeCloseTo(-2 * (1 - 0.001) + 0.01 * (4 / (4 + 1e-8)), 12);
    expect(read(m)).toEqual([0.1 * 0.3, 0.1 * -4].map((x) => expect.closeTo(x, 15)));
    expect(read(v)[1]).toBeCloseTo(0.001 * 16, 15);
  });
});

// Two parameters with gradients, one without (skipped), run through an optimiser for 3 steps.
async function runOptimizer(
  be: Backend,
  make: (params: Tensor[]) => Optimizer,
  clip: number | null,
): Promise<Float32Array[]> {
  const params = [
    tensor(be, randomValues(12, 1), [3, 4], { requiresGrad: true, name: 'a' }),
    tensor(be, randomValues(5, 2), [5], { requiresGrad: true, name: 'b' }),
    tensor(be, randomValues(3, 3), [3], { requiresGrad: true, name: 'frozen' }),
  ];
  const opt = make(params);
  for (let step = 0; step < 3; step++) {
    scope(() => {
      params[0].grad = tensor(
        be,
        randomValues(12, 20 + step).map((g) => g * 3),
        [3, 4],
      );
      params[1].grad = tensor(be, randomValues(5, 30 + step), [5]);
      const scale = clip === null ? null : clipGradNorm(params, clip).scale;
      opt.step(0.1 / (step + 1), scale);
      opt.zeroGrad();
    });
  }
  const out = await Promise.all([
    ...params.map((p) => p.data()),
    ...opt.namedState().map(([, t]) => t.data()),
  ]);
  opt.dispose();
  return out;
}

describe('SGD and AdamW classes, GPU vs CPU over 3 steps', () => {
  const makers: [string, (ps: Tensor[]) => Optimizer][] = [
    [
      'SGD momentum nesterov',
      (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    ],
    [
      'SGD param groups',
      (ps) =>
        new SGD([{ params: [ps[0]] }, { params: ps.slice(1), weightDecay: 0 }], {
          lr: 0.1,
          weightDecay: 0.5,
        }),
    ],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.1 })],
  ];
  for (const [name, make] of makers) {
    for (const clip of [null, 0.5]) {
      it(`${name}${clip === null ? '' : `, clipped to norm ${clip}`}`, async () => {
        const { gpu } = await gpuBackend();
        const want = await runOptimizer(cpuBackend, make, clip);
        const got = await runOptimizer(gpu, make, clip);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) =>
          expectClose(g, want[i], { atol: 1e-5, rtol: 1e-4, label: `${name} tensor ${i}` }),
        );
        // The parameter without a gradient is untouched.
        expectClose(got[2], randomValues(3, 3), { atol: 0, rtol: 0, label: 'frozen' });
      });
    }
  }

  it('AdamW counts steps per parameter', () => {
    const a = tensor(cpuBackend, [1], [1], { requiresGrad: true });
    const b = tensor(cpuBackend, [1], [1], { requiresGrad: true });
    const opt = new AdamW([a, b], { lr: 0.1 });
    a.grad = tensor(cpuBackend, [1], [1]);
    opt.step();
    b.grad = tensor(cpuBackend, [1], [1]);
    opt.step();
    expect(opt.stepCounts()).toEqual([2, 1]);
  });
});

describe('clipGradNorm', () => {
  it('norm and scale on the GPU match the host formula, with no readback', async () => {
    const { gpu, rt } = await gpuBackend();
    const ga = randomValues(3000, 5);
    const gb = randomValues(7, 6).map((v) => v * 10);
    const norm = Math.sqrt([...ga, ...gb].reduce((s, v) => s + v * v, 0));
    for (const maxNorm of [norm / 4, norm * 2]) {
      const a = tensor(gpu, randomValues(3000, 1), [3000], { requiresGrad: true });
      const b = tensor(gpu, randomValues(7, 2), [7], { requiresGrad: true });
      a.grad = tensor(gpu, ga, [3000]);
      b.grad = tensor(gpu, gb, [7]);
      const before = rt.counters.readbacks;
      const { totalNorm, scale } = clipGradNorm([a, b], maxNorm);
      expect(rt.counters.readbacks).toBe(before);
      expectClose(await totalNorm.data(), [norm], { rtol: 1e-5, label: 'norm' });
      expectClose(await scale.data(), [Math.min(1, maxNorm / (norm + 1e-6))], {
        rtol: 1e-5,
        label: 'scale',
      });
    }
  });

  it('all-zero or absent gradients give scale 1', async () => {
    const { gpu } = await gpuBackend();
    const a = tensor(gpu, [1, 2], [2], { requiresGrad: true });
    const b = tensor(gpu, [3], [1], { requiresGrad: true });
    a.grad = tensor(gpu, [0, 0], [2]);
    const { totalNorm, scale } = clipGradNorm([a, b], 1);
    expect(Array.from(await totalNorm.data())).toEqual([0]);
    expect(Array.from(await scale.data())).toEqual([1]);
  });
});
