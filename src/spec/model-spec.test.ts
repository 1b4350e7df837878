// Layer lists of the two architectures against numbers computed independently: the known
// parameter counts of CIFAR ResNet-18 and GPT-3 Small, and the FLOP figure of docs/sift-method.md.
import { describe, expect, it } from 'vitest';
import { SiftError } from '../common/errors';
import { gptSpec, type GptConfig } from './gpt-spec';
import {
  findLayer,
  isWeightLayer,
  matmulDims,
  weightLayers,
  weightShape,
  type Conv2dLayer,
  type LinearLayer,
  type ModelSpec,
} from './model-spec';
import { resnetSpec, type ResNetConfig } from './resnet-spec';

const cifarResNet18: ResNetConfig = {
  kind: 'resnet',
  inChannels: 3,
  imageSize: 32,
  numClasses: 100,
  baseWidth: 64,
  widthMultipliers: [1, 2, 4, 8],
  blocksPerStage: [2, 2, 2, 2],
  strides: [1, 2, 2, 2],
};

const gpt3Small: GptConfig = {
  kind: 'gpt',
  vocabSize: 50257,
  contextLength: 2048,
  nLayer: 12,
  nHead: 12,
  dModel: 768,
  mlpRatio: 4,
  hasBias: true,
};

/** Parameters as PyTorch's sum(p.numel()) would count them, from the layer list alone. */
function pytorchParamCount(spec: ModelSpec): number {
  let n = 0;
  for (const l of spec.layers) {
    if (isWeightLayer(l)) {
      if (l.kind === 'linear' && l.tiedTo) continue;
      n += weightShape(l).reduce((p, d) => p * d, 1) + (l.hasBias ? weightShape(l)[0] : 0);
    } else if (l.kind === 'batchnorm2d' || l.kind === 'layernorm') {
      n += l.features * (l.hasBias ? 2 : 1);
    } else if (l.kind === 'embedding') {
      n += l.numEmbeddings * l.embeddingDim;
    }
  }
  return n;
}

/**
 * The Cerebras reference profiler's FLOP count (Sparse-IFT repo, profiler_utils.py), rewritten
 * from its rules: a conv counts multiplies = weight numel * H_out W_out and adds = (weight numel
 * - 1) * H_out W_out; a linear in*out multiplies, (in - 1)*out adds and out bias adds; an eval
 * BatchNorm 7 * elements - C (mean, variance, normalise, affine). ReLU, pooling and residual
 * adds are functional in that model and not counted. docs/sift-method.md quotes this as
 * 1,115,226,800.
 */
function referenceProfilerFlops(spec: ModelSpec): number {
  let flops = 0;
  for (const l of spec.layers) {
    if (l.kind === 'conv2d') {
      const numel = weightShape(l).reduce((p, d) => p * d, 1);
      const positions = l.outHeight * l.outWidth;
      flops += numel * positions + (numel - 1) * positions;
    } else if (l.kind === 'linear') {
      flops += l.inFeatures * l.outFeatures + (l.inFeatures - 1) * l.outFeatures;
      if (l.hasBias) flops += l.outFeatures;
    } else if (l.kind === 'batchnorm2d') {
      flops += 7 * l.elementsPerSample - l.features;
    }
  }
  return flops;
}

describe('CIFAR ResNet-18 spec', () => {
  const spec = resnetSpec(cifarResNet18, 'resnet18-cifar100');

  it('has the PyTorch module names in forward order', () => {
    const names = weightLayers(spec).map((l) => l.name);
    expect(names.slice(0, 6)).toEqual([
      'conv1',
      'layer1.0.conv1',
      'layer1.0.conv2',
      'layer1.1.conv1',
      'layer1.1.conv2',
      'layer2.0.conv1',
    ]);
    expect(names).toContain('layer2.0.shortcut.0');
    expect(names).not.toContain('layer1.0.shortcut.0');
    expect(names.at(-1)).toBe('fc');
    expect(names).toHaveLength(1 + 16 + 3 + 1);
    expect(spec.layers.find((l) => l.name === 'layer4.0.shortcut.1')?.kind).toBe('batchnorm2d');
  });

  it('has the CIFAR shapes: stride-1 stem, stages at 32/16/8/4 pixels, 1x1 stride-2 shortcuts', () => {
    const at = (name: string) => findLayer(spec, name) as Conv2dLayer;
    expect(at('conv1')).toMatchObject({ inChannels: 3, outChannels: 64, stride: 1, outHeight: 32 });
    expect(at('layer2.0.conv1')).toMatchObject({
      inChannels: 64,
      outChannels: 128,
      stride: 2,
      inHeight: 32,
      outHeight: 16,
    });
    expect(at('layer2.0.shortcut.0')).toMatchObject({
      kernelSize: 1,
      stride: 2,
      padding: 0,
      inHeight: 32,
      outHeight: 16,
    });
    expect(at('layer4.1.conv2')).toMatchObject({
      inChannels: 512,
      outChannels: 512,
      outHeight: 4,
      outWidth: 4,
    });
    expect(findLayer(spec, 'fc')).toMatchObject({ inFeatures: 512, outFeatures: 100, rows: 1 });
  });

  it('sparsifies every conv except the stem, shortcuts included, and not the classifier', () => {
    for (const l of weightLayers(spec)) {
      expect(l.isSparsified, l.name).toBe(l.name !== 'conv1' && l.name !== 'fc');
      expect(l.inIsoFlopBudget).toBe(true);
    }
  });

  it('has the parameter counts of the PyTorch CIFAR ResNet-18 (11,220,132 and 11,173,962)', () => {
    expect(pytorchParamCount(spec)).toBe(11_220_132);
    expect(pytorchParamCount(resnetSpec({ ...cifarResNet18, numClasses: 10 }))).toBe(11_173_962);
  });

  it("reproduces the paper's 1,115,226,800 FLOPs under the reference profiler's rules", () => {
    expect(referenceProfilerFlops(spec)).toBe(1_115_226_800);
  });

  it('rejects inconsistent configs', () => {
    expect(() => resnetSpec({ ...cifarResNet18, strides: [1, 2] })).toThrow(SiftError);
    expect(() => resnetSpec({ ...cifarResNet18, baseWidth: 0 })).toThrow(/baseWidth/);
    expect(() =>
      resnetSpec({ ...cifarResNet18, imageSize: 2, strides: [1, 2, 2, 2] }),
    ).not.toThrow();
  });
});

describe('GPT spec', () => {
  const spec = gptSpec(gpt3Small, 'gpt3-small');

  it('has nanoGPT module names and a tied, unsparsified LM head outside the budget', () => {
    const names = spec.layers.map((l) => l.name);
    expect(names.slice(0, 9)).toEqual([
      'transformer.wte',
      'transformer.wpe',
      'transformer.h.0.ln_1',
      'transformer.h.0.attn.c_attn',
      'transformer.h.0.attn.scores',
      'transformer.h.0.attn.c_proj',
      'transformer.h.0.ln_2',
      'transformer.h.0.mlp.c_fc',
      'transformer.h.0.mlp.c_proj',
    ]);
    expect(names.slice(-2)).toEqual(['transformer.ln_f', 'lm_head']);
    const head = findLayer(spec, 'lm_head');
    expect(head).toMatchObject({
      tiedTo: 'transformer.wte',
      isSparsified: false,
      inIsoFlopBudget: false,
    });
    const sparsified = weightLayers(spec).filter((l) => l.isSparsified);
    expect(sparsified).toHaveLength(4 * 12);
    expect(matmulDims(findLayer(spec, 'transformer.h.3.attn.c_attn') as LinearLayer)).toEqual({
      rows: 2048,
      dIn: 768,
      dOut: 2304,
    });
    expect(matmulDims(findLayer(spec, 'transformer.h.3.mlp.c_proj') as LinearLayer)).toEqual({
      rows: 2048,
      dIn: 3072,
      dOut: 768,
    });
  });

  it('has GPT-2 small parameter count with a 2048-token position table (125,226,240)', () => {
    // nanoGPT's GPT-2 (1024 positions) has 124,439,808; 1024 more positions add 786,432.
    expect(pytorchParamCount(spec)).toBe(124_439_808 + 1024 * 768);
  });

  it('rejects a width not divisible by the head count', () => {
    expect(() => gptSpec({ ...gpt3Small, dModel: 770 })).toThrow(/divisible/);
    expect(() => gptSpec({ ...gpt3Small, nLayer: 0 })).toThrow(SiftError);
  });
});
