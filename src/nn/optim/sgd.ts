// Stochastic gradient descent with momentum, PyTorch torch.optim.SGD (dampening 0): one in-place
// sgdStep primitive per parameter, state kept on the device across steps.
import { SiftError } from '../../common/errors';
import { keep } from '../../tensor/scope';
import { zeroGrad } from '../../tensor/tape';
import { type Tensor, zeros } from '../../tensor/tensor';

/** What the trainer needs from any optimiser. */
export interface Optimizer {
  /** Base learning rate, used when step() is given none (a schedule passes its own). */
  lr: number;
  /**
   * Update every parameter that has a .grad, in place, with no readback. `gradScale` is an optional
   * 1-element tensor multiplying every gradient on the device (from clipGradNorm).
   */
  step(lr?: number, gradScale?: Tensor | null): void;
  /** Release and clear the parameters' gradients. */
  zeroGrad(): void;
  /** Optimiser state by PyTorch's names (`<i>.momentum_buffer`, `<i>.exp_avg`, ...), for checkpoints. */
  namedState(): [string, Tensor][];
  /** The state tensors kept for one parameter (empty for plain SGD), e.g. to mask them. */
  stateOf(param: Tensor): Tensor[];
  /** Release the state tensors. */
  dispose(): void;
}

/** Parameters sharing a weight decay (e.g. none on biases and norm gains, as nanoGPT does). */
export interface ParamGroup {
  params: readonly Tensor[];
  /** Overrides the optimiser's weightDecay for this group. */
  weightDecay?: number;
}

/** Flatten parameters or groups into (parameter, weight decay) pairs. */
export function resolveGroups(
  params: readonly Tensor[] | readonly ParamGroup[],
  weightDecay: number,
): { param: Tensor; weightDecay: number }[] {
  return (params as readonly (Tensor | ParamGroup)[]).flatMap((item) =>
    'isTensor' in item
      ? [{ param: item, weightDecay }]
      : item.params.map((param) => ({ param, weightDecay: item.weightDecay ?? weightDecay })),
  );
}

export interface SgdOptions {
  lr: number;
  momentum?: number;
  /** Coupled L2 penalty: wd * w is added to the gradient. */
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD implements Optimizer {
  lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private readonly entries: { param: Tensor; weightDecay: number; buffer: Tensor | null }[];

  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: SgdOptions) {
    const { lr, momentum = 0, weightDecay = 0, nesterov = false } = options;
    if (nesterov && momentum <= 0) {
      throw new SiftError('INVALID_ARGUMENT', 'SGD: Nesterov momentum needs momentum > 0');
    }
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
    // Buffers start at zero, so the first update sets buf = g exactly as PyTorch's first step does;
    // they are allocated up front so memory does not grow after step 1.
    this.entries = resolveGroups(params, weightDecay).map(({ param, weightDecay: wd }) => ({
      param,
      weightDecay: wd,
      buffer:
        momentum > 0
          ? keep(zeros(param.backend, param.shape, { name: `${param.name}.momentum_buffer` }))
          : null,
    }));
  }

  step(lr = this.lr, gradScale: Tensor | null = null): void {
    for (const { param, weightDecay, buffer } of this.entries) {
      if (!param.grad) continue;
      param.backend.sgdStep(param.storage, param.grad.storage, buffer?.storage ?? null, {
        lr,
        momentum: this.momentum,
        weightDecay,
        nesterov: this.nesterov,
        gradScale: 1,
        gradScaleBuffer: gradScale?.storage,
      });
    }
  }

  zeroGrad(): void {
    zeroGrad(this.entries.map((e) => e.param));
  }

  namedState(): [string, Tensor][] {
    return this.entries.flatMap((e, i): [string, Tensor][] =>
      e.buffer ? [[`${i}.momentum_buffer`, e.buffer]] : [],
    );
  }

  stateOf(param: Tensor): Tensor[] {
    const buffer = this.entries.find((e) => e.param === param)?.buffer;
    return buffer ? [buffer] : [];
  }

  dispose(): void {
    for (const e of this.entries) e.buffer?.dispose();
  }
}
