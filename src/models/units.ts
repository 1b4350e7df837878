// What one weight layer of the base model becomes, as a Module: built from its LayerPlan (see
// docs/sift-method.md, Decisions, 13 for the names). The pieces, by name under the layer:
//   ''            the (possibly sparse, possibly widened) weight itself: dense, Sparse Wide, Doped's W
//   branches.j    Sparse Parallel branch j, with norms.j after it: y = sum_j norm_j(branch_j(x))
//   u, norm, v    Sparse Factorized: y = v(relu(norm(u(x))))
//   u, v          Sparse Doped's dense low-rank pair: y = W x + v(u(x))
import type { Rng } from '../common/rng';
import { Conv2d } from '../nn/conv2d';
import { Linear } from '../nn/linear';
import { Module } from '../nn/module';
import { BatchNorm2d, LayerNorm } from '../nn/norm';
import { SiftError } from '../common/errors';
import { add, relu } from '../ops/elementwise';
import {
  parallelConv2d,
  parallelLinear,
  type BranchBatchNorms,
  type NormEpilogue,
  type ParallelBranches,
} from '../ops/parallel';
import type { SparseGroupState } from '../ops/sparse';
import type { LayerSpec, NormLayer, WeightLayer } from '../spec/model-spec';
import { isWeightLayer, weightShape } from '../spec/model-spec';
import type { LayerPlan } from '../sparse/transforms/plan';
import type { Backend, Storage } from '../tensor/backend';
import type { Tensor } from '../tensor/tensor';

/** A weight SIFT trains sparsely: its PyTorch parameter path, tensor and planned density. */
export interface SparseWeight {
  name: string;
  weight: Tensor;
  /** The layer that owns the weight; it runs the compressed path when given a sparse state. */
  module: Conv2d | Linear;
  layer: WeightLayer;
  /** (rows, cols) of the mask: conv (Cout, Cin*k*k), linear (out, in). */
  rows: number;
  cols: number;
  /** Set when the weight runs stacked with others as one product (Sparse Parallel's branches). */
  group?: SparseGroupHandle;
}

/** Anything with a forward pass: layers and units alike. */
export interface Forward {
  forward(x: Tensor): Tensor;
}

export type UnitModule = Module & Forward;

export interface BuildContext {
  backend: Backend;
  rng: Rng;
  /** Collects every sparsified weight as it is created. */
  sparseWeights: SparseWeight[];
  /** Initialiser for linear weights (GPT-2 uses N(0, 0.02)). */
  linearInit?: (n: number, fanIn: number, rng: Rng) => Float32Array;
}

export function buildWeightLayer(layer: WeightLayer, ctx: BuildContext): UnitModule {
  const module =
    layer.kind === 'conv2d'
      ? new Conv2d(ctx.backend, layer.inChannels, layer.outChannels, ctx.rng, {
          kernel: layer.kernelSize,
          stride: layer.stride,
          padding: layer.padding,
          bias: layer.hasBias,
        })
      : new Linear(ctx.backend, layer.inFeatures, layer.outFeatures, ctx.rng, {
          bias: layer.hasBias,
          init: ctx.linearInit,
        });
  if (layer.isSparsified && layer.density < 1) {
    const [rows, ...rest] = weightShape(layer);
    ctx.sparseWeights.push({
      name: `${layer.name}.weight`,
      weight: module.weight,
      module,
      layer,
      rows,
      cols: rest.reduce((p, d) => p * d, 1),
    });
  }
  return module;
}

export function buildNorm(layer: NormLayer, backend: Backend): UnitModule {
  return layer.kind === 'batchnorm2d'
    ? new BatchNorm2d(backend, layer.features)
    : new LayerNorm(backend, layer.features);
}

/**
 * Where a group of sparse weights that run as one stacked product (Sparse Parallel's branches)
 * receives its runtime state; shared by the group's SparseWeight entries.
 */
export interface SparseGroupHandle {
  state: SparseGroupState | null;
}

/**
 * Sparse Parallel: y = sum_j norm_j(branch_j(x)), grouped into one product and one norm pass
 * (ops/parallel.ts). Parameters, masks and names stay per branch, so exports, RigL and the
 * optimiser see exactly the n separate layers; only the arithmetic is grouped. A conv unit takes
 * what a ResNet puts after its norm (residual add, ReLU) into that norm pass.
 */
export class ParallelUnit extends Module implements Forward {
  private readonly branches: (Conv2d | Linear)[] = [];
  private readonly norms: (BatchNorm2d | LayerNorm)[] = [];
  private readonly group: SparseGroupHandle = { state: null };

  /** The branch norms' running statistics, packed end to end (see packStatistics). */
  private readonly packed: Storage[] = [];

  constructor(pieces: Map<string, LayerSpec>, ctx: BuildContext) {
    super();
    const before = ctx.sparseWeights.length;
    const norms: NormLayer[] = [];
    for (let j = 0; pieces.has(`branches.${j}`); j++) {
      const spec = pieces.get(`branches.${j}`) as WeightLayer;
      const norm = pieces.get(`norms.${j}`) as NormLayer | undefined;
      if (!norm || (spec.kind === 'conv2d' && norm.kind !== 'batchnorm2d')) {
        throw new SiftError(
          'INVALID_ARGUMENT',
          `${spec.name}: a parallel branch needs a norm after it (a batch norm after a conv)`,
        );
      }
      this.branches.push(
        this.addModule(`branches.${j}`, buildWeightLayer(spec, ctx) as Conv2d | Linear),
      );
      norms.push(norm);
    }
    // The branches' parameters come first, then the norms': the optimiser's arena lays
    // parameters out in this order, so the n weights lie end to end and stack as one view.
    norms.forEach((norm, j) =>
      this.norms.push(
        this.addModule(`norms.${j}`, buildNorm(norm, ctx.backend) as BatchNorm2d | LayerNorm),
      ),
    );
    this.packStatistics(ctx.backend);
    for (const w of ctx.sparseWeights.slice(before)) w.group = this.group;
  }

  /**
   * Moves the batch norms' running means (and variances) into one packed allocation, so that
   * the grouped norm updates them in place through one view instead of stacking them and copying
   * the update back every step. Only that view is bound to kernels; checkpoints copy each
   * branch's part.
   */
  private packStatistics(backend: Backend): void {
    const norms = this.norms.filter((m) => m instanceof BatchNorm2d);
    if (norms.length < 2) return;
    for (const pick of [(m: BatchNorm2d) => m.runningMean, (m: BatchNorm2d) => m.runningVar]) {
      const arena = backend.arena(
        norms.map((m) => pick(m).size),
        0,
        true,
      );
      norms.forEach((m, j) => pick(m).moveTo(arena.parts[j]));
      this.packed.push(arena.whole);
    }
  }

  override dispose(): void {
    super.dispose();
    for (const s of this.packed) this.norms[0].weight.backend.release(s);
    this.packed.length = 0;
  }

  /** Its branches are convs, so forward() takes a NormEpilogue. */
  get isConv(): boolean {
    return this.branches[0] instanceof Conv2d;
  }

  forward(x: Tensor, epilogue: NormEpilogue = {}): Tensor {
    const first = this.branches[0];
    const norms =
      first instanceof Conv2d
        ? this.batchNorms()
        : {
            kind: 'layernorm' as const,
            gammas: this.norms.map((m) => m.weight),
            betas: this.norms.map((m) => m.bias),
            eps: this.norms[0].eps,
          };
    const branches: ParallelBranches = {
      weights: this.branches.map((b) => b.weight),
      biases: first.bias ? this.branches.map((b) => b.bias!) : null,
      norms,
      group: this.group.state,
    };
    if (first instanceof Conv2d) {
      return parallelConv2d(
        x,
        branches,
        { stride: first.stride, padding: first.padding },
        epilogue,
      );
    }
    if (epilogue.residual || epilogue.relu) {
      throw new Error('ParallelUnit: a residual or ReLU epilogue needs conv branches');
    }
    return parallelLinear(x, branches);
  }

  private batchNorms(): BranchBatchNorms {
    const norms = this.norms as BatchNorm2d[];
    return {
      kind: 'batchnorm',
      gammas: norms.map((m) => m.weight),
      betas: norms.map((m) => m.bias),
      runningMeans: norms.map((m) => m.runningMean),
      runningVars: norms.map((m) => m.runningVar),
      training: this.training,
      momentum: norms[0].momentum,
      eps: norms[0].eps,
    };
  }
}

/**
 * Factorized (no main weight, norm between) or Doped (main weight W, no norm): the main weight's
 * parameters sit on this module itself so they keep the layer's own name (`X.weight`).
 */
class LowRankUnit extends Module implements Forward {
  private readonly main: UnitModule | null;
  private readonly u: UnitModule;
  private readonly norm: UnitModule | null;
  private readonly v: UnitModule;

  constructor(pieces: Map<string, LayerSpec>, ctx: BuildContext) {
    super();
    const main = pieces.get('');
    this.main = main ? buildWeightLayer(main as WeightLayer, ctx) : null;
    if (this.main) {
      for (const [pname, p] of this.main.namedParameters()) this.addParameter(pname, p);
    }
    this.u = this.addModule('u', buildWeightLayer(pieces.get('u') as WeightLayer, ctx));
    const norm = pieces.get('norm');
    this.norm = norm ? this.addModule('norm', buildNorm(norm as NormLayer, ctx.backend)) : null;
    this.v = this.addModule('v', buildWeightLayer(pieces.get('v') as WeightLayer, ctx));
  }

  forward(x: Tensor): Tensor {
    let h = this.u.forward(x);
    if (this.norm) h = relu(this.norm.forward(h));
    const low = this.v.forward(h);
    return this.main ? add(this.main.forward(x), low) : low;
  }
}

/** The module that replaces base layer `lp.name` under its transform. */
export function buildUnit(lp: LayerPlan, ctx: BuildContext): UnitModule {
  const pieces = new Map<string, LayerSpec>();
  for (const layer of lp.layers) {
    const suffix = layer.name === lp.name ? '' : layer.name.slice(lp.name.length + 1);
    pieces.set(suffix, layer);
  }
  if (pieces.has('branches.0')) return new ParallelUnit(pieces, ctx);
  if (pieces.has('u')) return new LowRankUnit(pieces, ctx);
  const only = pieces.get('');
  if (!only || !isWeightLayer(only)) throw new Error(`plan for ${lp.name} has no weight layer`);
  return buildWeightLayer(only, ctx);
}
