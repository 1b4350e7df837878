// Stochastic gradient descent with momentum, PyTorch torch.optim.SGD (dampening 0): one in-place
// sgdStep over arenas holding every parameter, gradient and momentum buffer (param-arena.ts), so a
// step is one dispatch (one per parameter in a step where some parameter has no gradient, which
// PyTorch skips); state kept on the device across steps.
import { SiftError } from '../../common/errors';
import type { Storage } from '../../tensor/backend';
import { zeroGrad } from '../../tensor/tape';
import type { Tensor } from '../../tensor/tensor';
import { ParamArenas } from './param-arena';

/** What the trainer needs from any optimiser. */
export interface Optimizer {
  /** Base learning rate, used when step() is given none (a schedule passes its own). */
  lr: number;
  /**
   * Update every parameter in place, with no readback. `gradScale` is an optional 1-element
   * tensor multiplying every gradient on the device (from clipGradNorm); `masks` are SIFT's 0/1
   * masks by parameter, applied in the same pass (gradient before, weight and state after).
   */
  step(lr?: number, gradScale?: Tensor | null, masks?: ReadonlyMap<Tensor, Storage>): void;
  /**
   * This step's gradients for a global norm (clipGradients): one flat tensor when every
   * parameter has a gradient, else each parameter's.
   */
  gradients(): Tensor[];
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
  private readonly params: Tensor[];
  private readonly arenas: ParamArenas;
  private readonly buffers: { whole: Storage; byParam: Map<Tensor, Tensor> } | null;

  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: SgdOptions) {
    const { lr, momentum = 0, weightDecay = 0, nesterov = false } = options;
    if (nesterov && momentum <= 0) {
      throw new SiftError('INVALID_ARGUMENT', 'SGD: Nesterov momentum needs momentum > 0');
    }
    this.lr = lr;
    this.momentum = momentum;
    this.nesterov = nesterov;
    const entries = resolveGroups(params, weightDecay);
    this.params = entries.map((e) => e.param);
    this.arenas = new ParamArenas(entries);
    // Buffers start at zero, so the first update sets buf = g exactly as PyTorch's first step does;
    // they are allocated up front so memory does not grow after step 1.
    this.buffers = momentum > 0 ? this.arenas.addState('momentum_buffer') : null;
  }

  step(lr = this.lr, gradScale: Tensor | null = null, masks?: ReadonlyMap<Tensor, Storage>): void {
    const { arenas } = this;
    const common = {
      lr,
      momentum: this.momentum,
      nesterov: this.nesterov,
      gradScale: 1,
      gradScaleBuffer: gradScale?.storage,
    };
    const everyGrad = arenas.gatherGrads();
    const mask = arenas.maskArena(masks);
    if (everyGrad) {
      arenas.backend.sgdStep(arenas.wholeParams, arenas.wholeGrads, this.buffers?.whole ?? null, {
        ...common,
        weightDecay: 0,
        decayRanges: arenas.decayRanges,
        ...(mask ? { mask } : {}),
      });
      return;
    }
    for (const p of arenas.withGrads()) {
      arenas.backend.sgdStep(p.param.storage, p.grad, p.states[0] ?? null, {
        ...common,
        weightDecay: p.weightDecay,
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
    const buffers = this.buffers;
    if (!buffers) return [];
    return this.params.map((p, i): [string, Tensor] => [
      `${i}.momentum_buffer`,
      buffers.byParam.get(p)!,
    ]);
  }

  stateOf(param: Tensor): Tensor[] {
    const buffer = this.buffers?.byParam.get(param);
    return buffer ? [buffer] : [];
  }

  dispose(): void {
    for (const t of this.buffers?.byParam.values() ?? []) t.dispose();
    this.arenas.dispose();
  }
}
