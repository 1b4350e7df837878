// A decoder-only transformer in nanoGPT's shape: token + learned position embeddings, pre-norm
// blocks (LayerNorm -> causal self-attention -> residual, LayerNorm -> GELU MLP -> residual), a
// final LayerNorm and an LM head tied to the token embedding. Module paths are nanoGPT's
// (`transformer.h.0.attn.c_attn`), so exports load into its GPT class.
import { normal } from '../nn/init';
import { Module } from '../nn/module';
import { LayerNorm } from '../nn/norm';
import { causalMask, causalSelfAttention } from '../ops/attention';
import { add, gelu } from '../ops/elementwise';
import { embedding } from '../ops/embedding';
import { matmul } from '../ops/matmul';
import { reshape } from '../ops/shape';
import type { GptConfig } from '../spec/gpt-spec';
import type { ModelPlan } from '../sparse/transforms/plan';
import { keep } from '../tensor/scope';
import { tensor, type Tensor } from '../tensor/tensor';
import { PlanIndex } from './resnet';
import type { BuildContext, UnitModule } from './units';

class Block extends Module {
  private readonly ln1: LayerNorm;
  private readonly cAttn: UnitModule;
  private readonly attnProj: UnitModule;
  private readonly ln2: LayerNorm;
  private readonly cFc: UnitModule;
  private readonly mlpProj: UnitModule;

  constructor(
    prefix: string,
    private readonly config: GptConfig,
    index: PlanIndex,
    ctx: BuildContext,
  ) {
    super();
    this.ln1 = this.addModule('ln_1', new LayerNorm(ctx.backend, config.dModel));
    this.cAttn = this.addModule('attn.c_attn', index.unit(`${prefix}.attn.c_attn`, ctx));
    this.attnProj = this.addModule('attn.c_proj', index.unit(`${prefix}.attn.c_proj`, ctx));
    this.ln2 = this.addModule('ln_2', new LayerNorm(ctx.backend, config.dModel));
    this.cFc = this.addModule('mlp.c_fc', index.unit(`${prefix}.mlp.c_fc`, ctx));
    this.mlpProj = this.addModule('mlp.c_proj', index.unit(`${prefix}.mlp.c_proj`, ctx));
  }

  /** x (B, T, C) -> (B, T, C) */
  forward(x: Tensor, mask: Tensor): Tensor {
    const attn = causalSelfAttention(
      this.cAttn.forward(this.ln1.forward(x)),
      this.config.nHead,
      mask,
    );
    const h = add(x, this.attnProj.forward(attn));
    return add(h, this.mlpProj.forward(gelu(this.cFc.forward(this.ln2.forward(h)))));
  }
}

export class Gpt extends Module {
  readonly wte: Tensor;
  readonly wpe: Tensor;
  private readonly blocks: Block[] = [];
  private readonly lnF: LayerNorm;
  private readonly masks = new Map<number, Tensor>();

  constructor(
    plan: ModelPlan,
    private readonly ctx: BuildContext,
  ) {
    super();
    const config = plan.model.arch as GptConfig;
    const index = new PlanIndex(plan);
    const { backend, rng } = ctx;
    const d = config.dModel;
    // GPT-2 init: N(0, 0.02) for embeddings and linears (nanoGPT _init_weights).
    this.wte = this.addParameter(
      'transformer.wte.weight',
      tensor(backend, normal(config.vocabSize * d, 0.02, rng), [config.vocabSize, d]),
    );
    this.wpe = this.addParameter(
      'transformer.wpe.weight',
      tensor(backend, normal(config.contextLength * d, 0.02, rng), [config.contextLength, d]),
    );
    for (let i = 0; i < config.nLayer; i++) {
      const prefix = `transformer.h.${i}`;
      this.blocks.push(this.addModule(prefix, new Block(prefix, config, index, ctx)));
    }
    this.lnF = this.addModule('transformer.ln_f', new LayerNorm(backend, d));
  }

  private maskFor(t: number): Tensor {
    let mask = this.masks.get(t);
    if (!mask) {
      mask = keep(causalMask(this.ctx.backend, t));
      this.masks.set(t, mask);
    }
    return mask;
  }

  /** token ids (B, T) as floats -> logits (B * T, vocab) */
  forward(ids: Tensor): Tensor {
    const [B, T] = ids.shape;
    const tok = embedding(this.wte, ids); // (B, T, C)
    const pos = embedding(this.wpe, this.positions(T)); // (T, C)
    let x = add(tok, pos);
    const mask = this.maskFor(T);
    for (const block of this.blocks) x = block.forward(x, mask);
    const h = reshape(this.lnF.forward(x), [B * T, -1]);
    return matmul(h, this.wte, { transB: true }); // tied LM head
  }

  private readonly positionIds = new Map<number, Tensor>();
  private positions(t: number): Tensor {
    let p = this.positionIds.get(t);
    if (!p) {
      p = keep(
        tensor(
          this.ctx.backend,
          Float32Array.from({ length: t }, (_, i) => i),
          [t],
        ),
      );
      this.positionIds.set(t, p);
    }
    return p;
  }

  override dispose(): void {
    super.dispose();
    for (const t of [...this.masks.values(), ...this.positionIds.values()]) t.dispose();
  }
}
