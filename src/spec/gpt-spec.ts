// Decoder-only transformer as GPT-2 / GPT-3 (and nanoGPT): token + learned position embeddings,
// pre-norm blocks (ln_1, causal self-attention, ln_2, GELU MLP), final LayerNorm, LM head tied to
// the token embedding. Module names follow nanoGPT (`transformer.h.0.attn.c_attn`, `lm_head`).
// Costs are per sample = one full sequence of contextLength tokens.
import { SiftError } from '../common/errors';
import type { LayerSpec, LinearLayer, ModelSpec, NormLayer } from './model-spec';
import { FULL_DENSITY } from './sparsity';

export interface GptConfig {
  kind: 'gpt';
  /** Token vocabulary; set by the dataset at run time for character-level text. */
  vocabSize: number;
  /** Maximum sequence length T (learned position table size); costs are counted at T. */
  contextLength: number;
  nLayer: number;
  nHead: number;
  /** Residual width d; must be divisible by nHead. The one number Sparse Wide scales. */
  dModel: number;
  /** MLP hidden width over dModel (4 in GPT-2/3). */
  mlpRatio: number;
  /** Biases in linears and LayerNorms, as GPT-2 (nanoGPT's `bias=True`). */
  hasBias: boolean;
}

function validate(config: GptConfig): void {
  for (const key of [
    'vocabSize',
    'contextLength',
    'nLayer',
    'nHead',
    'dModel',
    'mlpRatio',
  ] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new SiftError('CONFIG_INVALID', `GPT ${key} must be a positive integer, got ${v}`);
    }
  }
  if (config.dModel % config.nHead !== 0) {
    throw new SiftError(
      'CONFIG_INVALID',
      `GPT dModel ${config.dModel} is not divisible by nHead ${config.nHead}`,
    );
  }
}

/** Builds the layer list of a GPT; Q/K/V (fused c_attn), attn c_proj and both MLP linears are sparsified. */
export function gptSpec(config: GptConfig, name = 'gpt'): ModelSpec {
  validate(config);
  const { contextLength: T, dModel: d, hasBias } = config;
  const hidden = config.mlpRatio * d;
  const layers: LayerSpec[] = [];

  const norm = (normName: string): NormLayer => ({
    kind: 'layernorm',
    name: normName,
    role: 'norm',
    features: d,
    elementsPerSample: T * d,
    hasBias,
  });
  const body = (linearName: string, inFeatures: number, outFeatures: number): LinearLayer => ({
    kind: 'linear',
    name: linearName,
    role: 'body',
    hasBias,
    isSparsified: true,
    density: FULL_DENSITY,
    inIsoFlopBudget: true,
    inFeatures,
    outFeatures,
    rows: T,
  });

  layers.push(
    {
      kind: 'embedding',
      name: 'transformer.wte',
      role: 'embedding',
      numEmbeddings: config.vocabSize,
      embeddingDim: d,
      rows: T,
    },
    {
      kind: 'embedding',
      name: 'transformer.wpe',
      role: 'embedding',
      numEmbeddings: T,
      embeddingDim: d,
      rows: T,
    },
  );
  for (let i = 0; i < config.nLayer; i++) {
    const h = `transformer.h.${i}`;
    layers.push(
      norm(`${h}.ln_1`),
      body(`${h}.attn.c_attn`, d, 3 * d), // Q, K, V fused in one weight, as nanoGPT
      {
        kind: 'attention',
        name: `${h}.attn.scores`,
        role: 'attention',
        nHead: config.nHead,
        headDim: d / config.nHead,
        seqLen: T,
      },
      body(`${h}.attn.c_proj`, d, d),
      norm(`${h}.ln_2`),
      body(`${h}.mlp.c_fc`, d, hidden),
      body(`${h}.mlp.c_proj`, hidden, d),
    );
  }
  layers.push(norm('transformer.ln_f'), {
    kind: 'linear',
    name: 'lm_head',
    role: 'lm-head',
    hasBias: false,
    isSparsified: false,
    density: FULL_DENSITY,
    inIsoFlopBudget: false, // not iso-FLOP (docs/sift-method.md): reported separately
    inFeatures: d,
    outFeatures: config.vocabSize,
    rows: T,
    tiedTo: 'transformer.wte',
  });

  return { name, task: 'language', arch: config, inputShape: [T], layers };
}
