// AdamW (Loshchilov & Hutter 2019), PyTorch torch.optim.AdamW with amsgrad off: decoupled weight
// decay, bias-corrected moments, one in-place adamwStep primitive per parameter.
import { keep } from '../../tensor/scope';
import { zeroGrad } from '../../tensor/tape';
import { type Tensor, zeros } from '../../tensor/tensor';
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
  private readonly entries: {
    param: Tensor;
    weightDecay: number;
    expAvg: Tensor;
    expAvgSq: Tensor;
    /** Steps taken by this parameter (PyTorch counts per parameter: one without a grad skips). */
    steps: number;
  }[];

  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: AdamWOptions) {
    const { lr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01 } = options;
    this.lr = lr;
    [this.beta1, this.beta2] = betas;
    this.eps = eps;
    this.entries = resolveGroups(params, weightDecay).map(({ param, weightDecay: wd }) => ({
      param,
      weightDecay: wd,
      expAvg: keep(zeros(param.backend, param.shape, { name: `${param.name}.exp_avg` })),
      expAvgSq: keep(zeros(param.backend, param.shape, { name: `${param.name}.exp_avg_sq` })),
      steps: 0,
    }));
  }

  step(lr = this.lr, gradScale: Tensor | null = null): void {
    for (const e of this.entries) {
      if (!e.param.grad) continue;
      e.steps++;
      e.param.backend.adamwStep(
        e.param.storage,
        e.param.grad.storage,
        e.expAvg.storage,
        e.expAvgSq.storage,
        {
          lr,
          beta1: this.beta1,
          beta2: this.beta2,
          eps: this.eps,
          weightDecay: e.weightDecay,
          step: e.steps,
          gradScale: 1,
          gradScaleBuffer: gradScale?.storage,
        },
      );
    }
  }

  zeroGrad(): void {
    zeroGrad(this.entries.map((e) => e.param));
  }

  namedState(): [string, Tensor][] {
    return this.entries.flatMap((e, i): [string, Tensor][] => [
      [`${i}.exp_avg`, e.expAvg],
      [`${i}.exp_avg_sq`, e.expAvgSq],
    ]);
  }

  stateOf(param: Tensor): Tensor[] {
    const e = this.entries.find((x) => x.param === param);
    return e ? [e.expAvg, e.expAvgSq] : [];
  }

  /** Steps `param` has taken (PyTorch's state[p]['step']), for checkpoints; 0 if not ours. */
  stepCountOf(param: Tensor): number {
    return this.entries.find((e) => e.param === param)?.steps ?? 0;
  }

  /** Restore a checkpoint's step count (bias correction continues from it). */
  setStepCount(param: Tensor, steps: number): void {
    const e = this.entries.find((x) => x.param === param);
    if (e) e.steps = steps;
  }

  /** Per-parameter step counts (PyTorch's state[p]['step']), for checkpoints. */
  stepCounts(): number[] {
    return this.entries.map((e) => e.steps);
  }

  dispose(): void {
    for (const e of this.entries) {
      e.expAvg.dispose();
      e.expAvgSq.dispose();
    }
  }
}
