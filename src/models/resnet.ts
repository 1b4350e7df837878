// ResNet for small images (He et al. 2016, CIFAR variant of docs/sift-method.md): stem
// conv-BN-ReLU, stages of BasicBlocks, global average pool, FC. Every conv of the body is whatever
// its transform made of it (src/models/units.ts); module paths are the PyTorch CIFAR ResNet's
// (`layer1.0.conv1`).
import { Module } from '../nn/module';
import { BatchNorm2d } from '../nn/norm';
import { add, relu } from '../ops/elementwise';
import { globalAvgPool2d } from '../ops/pool';
import type { NormLayer } from '../spec/model-spec';
import type { ResNetConfig } from '../spec/resnet-spec';
import type { ModelPlan } from '../sparse/transforms/plan';
import type { Tensor } from '../tensor/tensor';
import { buildNorm, buildUnit, ParallelUnit, type BuildContext, type UnitModule } from './units';

/** Looks up the pieces of a transformed model by base-layer name. */
export class PlanIndex {
  private readonly units: Map<string, ModelPlan['layers'][number]>;
  private readonly norms: Map<string, NormLayer>;

  constructor(plan: ModelPlan) {
    this.units = new Map(plan.layers.map((l) => [l.name, l]));
    const norms = plan.model.layers.filter(
      (l): l is NormLayer => l.kind === 'batchnorm2d' || l.kind === 'layernorm',
    );
    this.norms = new Map(norms.map((l) => [l.name, l]));
  }

  unit(name: string, ctx: BuildContext): UnitModule {
    const lp = this.units.get(name);
    if (!lp) throw new Error(`the plan has no layer ${name}`);
    return buildUnit(lp, ctx);
  }

  hasUnit(name: string): boolean {
    return this.units.has(name);
  }

  /** The norm after a layer, or null where the transform absorbed it (Sparse Parallel). */
  norm(name: string, ctx: BuildContext): UnitModule | null {
    const layer = this.norms.get(name);
    return layer ? buildNorm(layer, ctx.backend) : null;
  }
}

const applyNorm = (norm: UnitModule | null, x: Tensor): Tensor => (norm ? norm.forward(x) : x);

/**
 * relu(norm(conv(x)) + residual): one fused norm kernel each way when the norm is a BatchNorm2d,
 * or when conv is a Sparse Parallel unit, whose branch norms take the add and ReLU instead.
 */
function convNormAddRelu(
  conv: UnitModule,
  norm: UnitModule | null,
  x: Tensor,
  residual: Tensor | null = null,
): Tensor {
  if (!norm && conv instanceof ParallelUnit && conv.isConv) {
    return conv.forward(x, { residual, relu: true });
  }
  const h = conv.forward(x);
  if (norm instanceof BatchNorm2d) return norm.forward(h, { residual, relu: true });
  const y = applyNorm(norm, h);
  return relu(residual ? add(y, residual) : y);
}

/** conv3x3-BN-ReLU-conv3x3-BN plus the identity or a 1x1 conv + BN shortcut, then ReLU. */
class BasicBlock extends Module {
  private readonly conv1: UnitModule;
  private readonly bn1: UnitModule | null;
  private readonly conv2: UnitModule;
  private readonly bn2: UnitModule | null;
  private readonly shortcutConv: UnitModule | null = null;
  private readonly shortcutNorm: UnitModule | null = null;

  constructor(prefix: string, index: PlanIndex, ctx: BuildContext) {
    super();
    this.conv1 = this.addModule('conv1', index.unit(`${prefix}.conv1`, ctx));
    this.bn1 = this.optional('bn1', index.norm(`${prefix}.bn1`, ctx));
    this.conv2 = this.addModule('conv2', index.unit(`${prefix}.conv2`, ctx));
    this.bn2 = this.optional('bn2', index.norm(`${prefix}.bn2`, ctx));
    if (index.hasUnit(`${prefix}.shortcut.0`)) {
      this.shortcutConv = this.addModule('shortcut.0', index.unit(`${prefix}.shortcut.0`, ctx));
      this.shortcutNorm = this.optional('shortcut.1', index.norm(`${prefix}.shortcut.1`, ctx));
    }
  }

  private optional(name: string, m: UnitModule | null): UnitModule | null {
    return m ? this.addModule(name, m) : null;
  }

  forward(x: Tensor): Tensor {
    const h = convNormAddRelu(this.conv1, this.bn1, x);
    const shortcut = this.shortcutConv
      ? applyNorm(this.shortcutNorm, this.shortcutConv.forward(x))
      : x;
    return convNormAddRelu(this.conv2, this.bn2, h, shortcut);
  }
}

export class ResNet extends Module {
  private readonly conv1: UnitModule;
  private readonly bn1: UnitModule | null;
  private readonly blocks: BasicBlock[] = [];
  private readonly fc: UnitModule;

  constructor(plan: ModelPlan, ctx: BuildContext) {
    super();
    const config = plan.model.arch as ResNetConfig;
    const index = new PlanIndex(plan);
    this.conv1 = this.addModule('conv1', index.unit('conv1', ctx));
    const bn1 = index.norm('bn1', ctx);
    this.bn1 = bn1 ? this.addModule('bn1', bn1) : null;
    config.blocksPerStage.forEach((count, stage) => {
      for (let b = 0; b < count; b++) {
        const prefix = `layer${stage + 1}.${b}`;
        this.blocks.push(this.addModule(prefix, new BasicBlock(prefix, index, ctx)));
      }
    });
    this.fc = this.addModule('fc', index.unit('fc', ctx));
  }

  /** x (N, C, H, W) -> logits (N, classes) */
  forward(x: Tensor): Tensor {
    let h = convNormAddRelu(this.conv1, this.bn1, x);
    for (const block of this.blocks) h = block.forward(h);
    return this.fc.forward(globalAvgPool2d(h));
  }
}
