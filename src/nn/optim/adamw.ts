// AdamW (Loshchilov & Hutter 2019), PyTorch torch.optim.AdamW with amsgrad off: decoupled weight
// decay, bias-corrected moments, one in-place adamwStep over arenas holding every parameter,
// gradient and moment (param-arena.ts), so a step is one dispatch (one per parameter while some
// parameter lacks a gradient or its step count differs).
import type { Storage } from '../../tensor/backend';
import { zeroGrad } from '../../tensor/tape';
import type { Tensor } from '../../tensor/tensor';
import { ParamArenas } from './param-arena';
import { type Optimizer, type ParamGroup, resolveGroups } from './sgd';

export interface AdamWOptions {
  lr: number;
  betas?: readonly [number, number];
  eps?: number;
  /** Decoupled: w *= 1 - lr * weightDecay each step. PyTorch's default is 0.01. */
  weightDecay?: number;
}

export class AdamW implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private readonly params: Tensor[];
  private readonly arenas: ParamArenas;
  private readonly expAvg: { whole: Storage; byParam: Map<Tensor, Tensor> };
  private readonly expAvgSq: { whole: Storage; byParam: Map<Tensor, Tensor> };
  /**
   * Steps taken by each parameter (PyTorch counts per parameter: one without a grad skips); while
   * all agree and all have gradients, one pass updates every parameter.
   */
  private readonly steps = new Map<Tensor, number>();

  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: AdamWOptions) {
    const { lr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01 } = options;
    this.lr = lr;
    [this.beta1, this.beta2] = betas;
    this.eps = eps;
    const entries = resolveGroups(params, weightDecay);
    this.params = entries.map((e) => e.param);
    for (const p of this.params) this.steps.set(p, 0);
    this.arenas = new ParamArenas(entries);
    this.expAvg = this.arenas.addState('exp_avg');
    this.expAvgSq = this.arenas.addState('exp_avg_sq');
  }

  step(lr = this.lr, gradScale: Tensor | null = null, masks?: ReadonlyMap<Tensor, Storage>): void {
    const { arenas, steps } = this;
    const common = {
      lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      gradScale: 1,
      gradScaleBuffer: gradScale?.storage,
    };
    const everyGrad = arenas.gatherGrads();
    const mask = arenas.maskArena(masks);
    const count = steps.get(this.params[0])!;
    if (everyGrad && this.params.every((p) => steps.get(p) === count)) {
      for (const p of this.params) steps.set(p, count + 1);
      arenas.backend.adamwStep(
        arenas.wholeParams,
        arenas.wholeGrads,
        this.expAvg.whole,
        this.expAvgSq.whole,
        {
          ...common,
          weightDecay: 0,
          decayRanges: arenas.decayRanges,
          step: count + 1,
          ...(mask ? { mask } : {}),
        },
      );
      return;
    }
    for (const p of arenas.withGrads()) {
      const step = steps.get(p.param)! + 1;
      steps.set(p.param, step);
      arenas.backend.adamwStep(p.param.storage, p.grad, p.states[0], p.states[1], {
        ...common,
        weightDecay: p.weightDecay,
        step,
        ...(p.mask ? { mask: p.mask } : {}),
      });
    }
  }

  gradients(): Tensor[] {
    return this.arenas.gradients();
  }

  zeroGrad(): void {
    zeroGrad(this.params);
  }

  namedState(): [string, Tensor][] {
    return this.params.flatMap((p, i): [string, Tensor][] => [
      [`${i}.exp_avg`, this.expAvg.byParam.get(p)!],
      [`${i}.exp_avg_sq`, this.expAvgSq.byParam.get(p)!],
    ]);
  }

  stateOf(param: Tensor): Tensor[] {
    const m = this.expAvg.byParam.get(param);
    const v = this.expAvgSq.byParam.get(param);
    return m && v ? [m, v] : [];
  }

  /** Steps `param` has taken (PyTorch's state[p]['step']), for checkpoints; 0 if not ours. */
  stepCountOf(param: Tensor): number {
    return this.steps.get(param) ?? 0;
  }

  /** Restore a checkpoint's step count (bias correction continues from it). */
  setStepCount(param: Tensor, steps: number): void {
    if (this.steps.has(param)) this.steps.set(param, steps);
  }

  /** Per-parameter step counts (PyTorch's state[p]['step']), for checkpoints. */
  stepCounts(): number[] {
    return this.params.map((p) => this.steps.get(p)!);
  }

  dispose(): void {
    for (const state of [this.expAvg, this.expAvgSq]) {
      for (const t of state.byParam.values()) t.dispose();
    }
    this.arenas.dispose();
  }
}
