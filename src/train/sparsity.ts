// The sparse half of a training step (docs/sift-method.md, "Sparse training"): masks for every
// sparsified weight, gradients masked every step, weights and optimiser state masked after every
// optimiser step, and RigL / SET drop-and-grow on the schedule's update steps, all on the device.
import { SiftError } from '../common/errors';
import type { Optimizer } from '../nn/optim/sgd';
import type { RunConfig } from '../spec/run-config';
import { createRandomMask, type Mask } from '../sparse/mask';
import { erkAllocation, uniformAllocation } from '../sparse/mask-init';
import { dropFraction, dstSchedule, isUpdateStep, type DstSchedule } from '../sparse/dst/schedule';
import { rigLUpdate } from '../sparse/dst/rigl';
import { setSeed, setUpdate } from '../sparse/dst/set';
import type { SparseBackend } from '../tensor/sparse-backend';
import { releaseSparseState, type SparseWeightState } from '../ops/sparse';
import { chooseLinearKernel, type KernelProfile } from '../sparse/kernel-choice';
import { weightShape } from '../spec/model-spec';
import type { SparseWeight } from '../models/units';
import type { LayerMaskStats } from './metrics';
import type { SparsityHooks } from './session';
import { randomU32 } from '../common/rng';

interface Entry {
  weight: SparseWeight;
  mask: Mask;
  /** Set when this weight runs on the compressed zero-skipping path. */
  state: SparseWeightState | null;
}

/** Rows of the product a weight takes part in, per batch (what kernel choice is measured on). */
function productRows(w: SparseWeight, batchSize: number): number {
  const l = w.layer;
  return batchSize * (l.kind === 'conv2d' ? l.outHeight * l.outWidth : l.rows);
}

export class SparsityController implements SparsityHooks {
  readonly entries: Entry[];
  private readonly schedule: DstSchedule;
  private optimizer: Optimizer | null = null;

  constructor(
    private readonly sparse: SparseBackend,
    weights: readonly SparseWeight[],
    private readonly config: RunConfig,
    kernelProfile: KernelProfile,
  ) {
    this.schedule = dstSchedule(config.steps, {
      updateInterval: config.updateInterval,
      initialDropFraction: config.dropFraction,
      endFraction: config.endFraction,
    });
    const shapes = weights.map((w) => ({ shape: weightShape(w.layer) }));
    // Each weight carries its planned density (Sparse Wide's re-solve may differ from the slider).
    const allocation =
      config.maskInit === 'erk'
        ? erkAllocation(shapes, meanDensity(weights))
        : weights.map((w, i) => uniformAllocation([shapes[i]], w.layer.density)[0]);
    this.entries = weights.map((weight, i) => {
      const mask = createRandomMask(
        sparse,
        weight.rows,
        weight.cols,
        allocation[i].activeCount,
        randomU32(config.seed, 1000 + i),
      );
      const shape = {
        batch: productRows(weight, config.batchSize),
        inFeatures: weight.cols,
        outFeatures: weight.rows,
      };
      const path = chooseLinearKernel(shape, mask.density, kernelProfile);
      const state: SparseWeightState | null =
        path === 'csr'
          ? { sparse, mask, csr: null, builtForVersion: -1, wantDenseGrad: false }
          : null;
      weight.module.sparse = state;
      return { weight, mask, state };
    });
    // Weights start masked: the dense init outside the mask is zeroed once.
    this.maskWeights();
  }

  /** The optimiser whose state must follow the masks (set once it exists). */
  attachOptimizer(optimizer: Optimizer): void {
    this.optimizer = optimizer;
  }

  isUpdateStep(step: number): boolean {
    return this.config.method !== 'static' && isUpdateStep(step, this.schedule);
  }

  beginStep(isUpdate: boolean): void {
    // RigL grows where the dense gradient is largest: on update steps the compressed path must
    // produce the full weight gradient instead of only its masked entries.
    const dense = isUpdate && this.config.method === 'rigl';
    for (const { state } of this.entries) if (state) state.wantDenseGrad = dense;
  }

  /** Which kernel path each sparse weight runs, for benchmarks and the executed-FLOP count. */
  paths(): { name: string; path: 'csr' | 'masked-dense' }[] {
    return this.entries.map((e) => ({
      name: e.weight.name,
      path: e.state ? 'csr' : 'masked-dense',
    }));
  }

  update(step: number): void {
    const fraction = dropFraction(step, this.schedule);
    this.entries.forEach(({ weight, mask }, i) => {
      const w = weight.weight;
      const param = {
        weight: w.storage,
        mask,
        optimizerState: (this.optimizer?.stateOf(w) ?? []).map((t) => t.storage),
      };
      if (this.config.method === 'rigl') {
        if (!w.grad)
          throw new SiftError('INVALID_ARGUMENT', `RigL needs the gradient of ${weight.name}`);
        rigLUpdate(this.sparse, param, fraction, w.grad.storage);
      } else {
        setUpdate(this.sparse, param, fraction, setSeed(this.config.seed, i, step));
      }
    });
  }

  maskGradients(): void {
    for (const { weight, mask } of this.entries) {
      const g = weight.weight.grad;
      if (g) this.sparse.maskRetainInPlace(g.storage, mask.storage, mask.storage);
    }
  }

  maskWeights(): void {
    for (const { weight, mask } of this.entries) {
      const w = weight.weight;
      for (const t of [w, ...(this.optimizer?.stateOf(w) ?? [])]) {
        this.sparse.maskRetainInPlace(t.storage, mask.storage, mask.storage);
      }
    }
  }

  stats(): LayerMaskStats[] {
    return this.entries.map(({ weight, mask }) => ({
      name: weight.name,
      density: mask.density,
      active: mask.activeCount,
      total: mask.size,
    }));
  }

  dispose(): void {
    for (const { mask, state, weight } of this.entries) {
      if (state) releaseSparseState(state);
      weight.module.sparse = null;
      this.sparse.release(mask.storage);
    }
  }
}

function meanDensity(weights: readonly SparseWeight[]): number {
  let active = 0;
  let total = 0;
  for (const w of weights) {
    active += w.layer.density * w.rows * w.cols;
    total += w.rows * w.cols;
  }
  return total > 0 ? active / total : 1;
}
