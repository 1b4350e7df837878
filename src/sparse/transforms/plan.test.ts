// Model-level plans against the paper's check values and the iso-FLOP formulas: widths, branches,
// ranks, which layers stay dense, the Sparse Wide re-solve, and s = 0 being the dense model.
import { describe, expect, it } from 'vitest';
import { SiftError } from '../../common/errors';
import { countModel } from '../../flops/count';
import { PRESET_NAMES, presetSpec } from '../../models/presets';
import { resnetSpec } from '../../spec/resnet-spec';
import {
  findLayer,
  isWeightLayer,
  weightLayers,
  type Conv2dLayer,
  type LinearLayer,
  type ModelSpec,
} from '../../spec/model-spec';
import { toDensity, toSparsity } from '../../spec/sparsity';
import { plan } from './plan';
import { transformNames, type TransformName } from '../../spec/run-config';

const SIFT_TRANSFORMS = transformNames.filter((t) => t !== 'dense');
const CHECK_SPARSITIES = [0.5, 0.75, 0.9];
const resnet18 = presetSpec('resnet18-cifar100');
const DENSE_RESNET18_MACS = 555_468_800;

const planned = (spec: ModelSpec, t: TransformName, s: number) => plan(spec, t, toSparsity(s));
const budgetRatio = (base: ModelSpec, model: ModelSpec) =>
  countModel(model).budget.forwardMacs / countModel(base).budget.denseEquivalentMacs;
const layerNamed = (spec: ModelSpec, name: string) => findLayer(spec, name);

describe('plan: CIFAR ResNet-18 check values (docs/sift-method.md)', () => {
  it('every SIFT transform is within 2% of dense at s = .5/.75/.9', () => {
    for (const t of SIFT_TRANSFORMS) {
      for (const s of CHECK_SPARSITIES) {
        const p = planned(resnet18, t, s);
        const ratio = budgetRatio(resnet18, p.model);
        expect(Math.abs(ratio - 1), `${t} at ${s}: ratio ${ratio}`).toBeLessThan(0.02);
        expect(p.flopRatio).toBe(ratio);
        expect(countModel(resnet18).budget.forwardMacs).toBe(DENSE_RESNET18_MACS);
      }
    }
  });

  it('Sparse Wide: base width 90 / 128 / 202, whole model widened, stem and FC dense', () => {
    const widths = [90, 128, 202];
    CHECK_SPARSITIES.forEach((s, i) => {
      const p = planned(resnet18, 'sparse-wide', s);
      const w = widths[i];
      expect(p.wide).toMatchObject({ widthFrom: 64, widthTo: w });
      expect(layerNamed(p.model, 'conv1')).toMatchObject({
        inChannels: 3,
        outChannels: w,
        isSparsified: false,
        density: 1,
      });
      expect(layerNamed(p.model, 'layer2.0.shortcut.0')).toMatchObject({
        inChannels: w,
        outChannels: 2 * w,
      });
      expect(layerNamed(p.model, 'layer4.1.conv2')).toMatchObject({
        inChannels: 8 * w,
        outChannels: 8 * w,
      });
      expect(layerNamed(p.model, 'layer4.1.bn2')).toMatchObject({ features: 8 * w });
      expect(layerNamed(p.model, 'fc')).toMatchObject({
        inFeatures: 8 * w,
        outFeatures: 100,
        density: 1,
      });
      for (const l of weightLayers(p.model).filter((x) => x.isSparsified)) {
        expect(l.density).toBeCloseTo(1 - p.bodySparsity, 12);
      }
    });
  });

  it('Sparse Wide: the re-solve lands within 0.1% of dense; the nominal sparsity would not', () => {
    for (const s of CHECK_SPARSITIES) {
      const p = planned(resnet18, 'sparse-wide', s);
      expect(Math.abs(p.flopRatio - 1), `s = ${s}`).toBeLessThan(0.001);
      expect(p.wide?.nominalSparsity).toBe(s);
      expect(p.wide?.resolvedSparsity).toBe(p.bodySparsity);
      expect(p.bodySparsity).not.toBe(s);
      // Without the re-solve the widened dense stem/FC and width rounding move the total.
      const nominal: ModelSpec = {
        ...p.model,
        layers: p.model.layers.map((l) =>
          isWeightLayer(l) && l.isSparsified ? { ...l, density: toDensity(1 - s) } : l,
        ),
      };
      expect(Math.abs(budgetRatio(resnet18, nominal) - 1)).toBeGreaterThan(0.001);
    }
  });

  it('Sparse Parallel: 2 / 4 / 10 branches on every sparsified layer, each with its own BN', () => {
    [2, 4, 10].forEach((n, i) => {
      const p = planned(resnet18, 'sparse-parallel', CHECK_SPARSITIES[i]);
      for (const lp of p.layers) {
        if (!lp.original.isSparsified) {
          expect(lp.branches).toBeUndefined();
          continue;
        }
        expect(lp.branches).toBe(n);
        const branches = lp.layers.filter(isWeightLayer);
        expect(branches.map((b) => b.name)).toEqual(
          Array.from({ length: n }, (_, j) => `${lp.name}.branches.${j}`),
        );
        for (const b of branches) expect(b.density).toBeCloseTo(1 - CHECK_SPARSITIES[i], 12);
        expect(lp.layers.filter((l) => l.kind === 'batchnorm2d')).toHaveLength(n);
        expect(lp.replacesNorm).toBe(lp.original.normName);
      }
      const names = p.model.layers.map((l) => l.name);
      expect(names).not.toContain('layer1.0.bn1');
      expect(names).not.toContain('layer3.0.shortcut.1');
      expect(names).toContain(`layer3.0.shortcut.0.norms.${n - 1}`);
      expect(names).toContain('bn1'); // the stem's BN stays
    });
  });

  it('Sparse Factorized: U (k x k, original stride, sparse) + BN + V (1x1, sparse), d rounded up', () => {
    const p = planned(resnet18, 'sparse-factorized', 0.5);
    const lp = p.layers.find((l) => l.name === 'layer2.0.conv1');
    // Din = 9 * 64 = 576, Dout = 128: 576 * 128 / (704 * 0.5) = 209.45 -> 210.
    expect(lp?.rank).toBe(210);
    const [u, norm, v] = lp?.layers ?? [];
    expect(u).toMatchObject({
      name: 'layer2.0.conv1.u',
      kernelSize: 3,
      stride: 2,
      inChannels: 64,
      outChannels: 210,
      outHeight: 16,
      density: (576 * 128) / (210 * 704), // re-solved: 0.4987 after rounding d up from 209.45
      isSparsified: true,
    });
    expect(norm).toMatchObject({ name: 'layer2.0.conv1.norm', kind: 'batchnorm2d', features: 210 });
    expect(v).toMatchObject({
      name: 'layer2.0.conv1.v',
      kernelSize: 1,
      stride: 1,
      inChannels: 210,
      outChannels: 128,
      inHeight: 16,
      outHeight: 16,
      density: (576 * 128) / (210 * 704),
    });
    const shortcut = p.layers.find((l) => l.name === 'layer2.0.shortcut.0')
      ?.layers[0] as Conv2dLayer;
    expect(shortcut).toMatchObject({
      kernelSize: 1,
      stride: 2,
      outHeight: 16,
      outChannels: Math.ceil((64 * 128) / (192 * 0.5)),
    });
    expect(layerNamed(p.model, 'layer2.0.bn1').kind).toBe('batchnorm2d'); // the block's BN stays after V
  });

  it('Sparse Doped: sparse W keeps its name; U (k x k) and V (1x1) dense; r rounded down', () => {
    const p = planned(resnet18, 'sparse-doped', 0.5);
    const lp = p.layers.find((l) => l.name === 'layer1.0.conv1');
    expect(lp?.rank).toBe(28); // 0.5 * 576 * 64 / 640 = 28.8
    const [w, u, v] = lp?.layers ?? [];
    expect(w).toMatchObject({
      name: 'layer1.0.conv1',
      outChannels: 64,
      density: 1 - (28 * 640) / (576 * 64), // 0.514: W takes up what flooring r left over
      isSparsified: true,
    });
    expect(u).toMatchObject({
      name: 'layer1.0.conv1.u',
      kernelSize: 3,
      outChannels: 28,
      density: 1,
      isSparsified: false,
    });
    expect(v).toMatchObject({
      name: 'layer1.0.conv1.v',
      kernelSize: 1,
      inChannels: 28,
      outChannels: 64,
      density: 1,
      isSparsified: false,
    });
  });

  it('stem and classifier stay dense and untouched in every transform but Wide', () => {
    for (const t of transformNames.filter((x) => x !== 'sparse-wide')) {
      const p = planned(resnet18, t, 0.9);
      expect(layerNamed(p.model, 'conv1')).toEqual(layerNamed(resnet18, 'conv1'));
      expect(layerNamed(p.model, 'fc')).toEqual(layerNamed(resnet18, 'fc'));
    }
  });

  it("'dense' at s > 0 keeps every shape and sparsifies the chosen layers at 1 - s", () => {
    const p = planned(resnet18, 'dense', 0.9);
    expect(p.model.layers.map((l) => l.name)).toEqual(resnet18.layers.map((l) => l.name));
    for (const l of weightLayers(p.model)) expect(l.density).toBe(l.isSparsified ? 1 - 0.9 : 1);
    expect(p.flopRatio).toBeLessThan(0.11);
  });
});

describe('plan: every preset', () => {
  it('s = 0 gives exactly the dense model for every transform', () => {
    for (const name of PRESET_NAMES) {
      const base = presetSpec(name);
      for (const t of transformNames) {
        const p = planned(base, t, 0);
        expect(p.model.layers, `${name} ${t}`).toEqual(base.layers);
        expect(p.flopRatio).toBe(1);
        expect(p.bodySparsity).toBe(0);
      }
    }
  });

  it('every transform is iso-FLOP within 1% at every slider position s = 0, 0.01, ..., 0.95', () => {
    // Issue 11: the slider accepts any s, so rounding branches and ranks must not cost FLOPs.
    // 'dense' at s > 0 is the sparse baseline, below dense by design (point 10).
    for (const name of PRESET_NAMES) {
      const base = presetSpec(name);
      for (let i = 0; i <= 95; i++) {
        const s = i / 100;
        for (const t of SIFT_TRANSFORMS) {
          const p = planned(base, t, s);
          expect(Math.abs(p.flopRatio - 1), `${name} ${t} s=${s}: ${p.flopRatio}`).toBeLessThan(
            0.01,
          );
          if (t === 'sparse-wide') expect(Math.abs(p.flopRatio - 1)).toBeLessThan(0.001);
        }
        // Stem and head stay dense, so the baseline lies between 1 - s and 1.
        const baseline = planned(base, 'dense', s).flopRatio;
        expect(baseline).toBeGreaterThanOrEqual(1 - s - 1e-3); // masks hold whole weights
        expect(baseline).toBeLessThanOrEqual(1);
      }
    }
  });

  it('Sparse Parallel off the integer points: round(1/(1-s)) branches at density 1/n', () => {
    for (const [s, n] of [
      [0.2, 1],
      [0.6, 3],
      [0.7, 3],
      [0.8, 5],
      [0.95, 20],
    ] as const) {
      const p = planned(resnet18, 'sparse-parallel', s);
      const lp = p.layers.find((l) => l.name === 'layer1.0.conv1');
      expect(lp?.branches ?? 1, `s=${s}`).toBe(n);
      for (const b of lp?.layers.filter(isWeightLayer) ?? []) expect(b.density).toBe(1 / n);
      expect(p.bodySparsity).toBeCloseTo(1 - 1 / n, 12);
    }
    expect(planned(resnet18, 'sparse-parallel', 0.75).bodySparsity).toBe(0.75);
  });

  it('Factorized and Doped re-solve density after rounding; bodySparsity is the weighted result', () => {
    const f = planned(presetSpec('resnet-mini'), 'sparse-factorized', 0.05);
    expect(f.bodySparsity).toBeGreaterThan(0.05); // d rounded up, so U, V sparser than asked
    const d = planned(presetSpec('resnet-mini'), 'sparse-doped', 0.83);
    expect(d.bodySparsity).toBeLessThan(0.83); // r rounded down, so W denser than asked
    for (const l of weightLayers(d.model)) {
      if (l.name.endsWith('.u') || l.name.endsWith('.v')) expect(l.density).toBe(1);
    }
  });

  it('rejects a spec that is already transformed', () => {
    const p = planned(resnet18, 'dense', 0.5);
    expect(() => planned(p.model, 'sparse-wide', 0.5)).toThrow(/untransformed/);
  });

  it('Sparse Wide fails clearly when the widened dense stem and head alone exceed the budget', () => {
    // A head-heavy model: 8-channel body, 50k classes.
    const headHeavy = resnetSpec({
      kind: 'resnet',
      inChannels: 3,
      imageSize: 8,
      numClasses: 50_000,
      baseWidth: 8,
      widthMultipliers: [1],
      blocksPerStage: [1],
      strides: [1],
    });
    expect(() => planned(headHeavy, 'sparse-wide', 0.9)).toThrow(SiftError);
    expect(() => planned(headHeavy, 'sparse-wide', 0.9)).toThrow(/over the dense budget/);
  });
});

describe('plan: GPT', () => {
  const gpt3 = presetSpec('gpt3-small');

  it('Sparse Wide widens GPT-3 Small 768 -> 1092 (.5) and 1536 (.75), MLP 4x, head count kept', () => {
    for (const [s, d] of [
      [0.5, 1092],
      [0.75, 1536],
    ]) {
      const p = planned(gpt3, 'sparse-wide', s);
      expect(p.wide).toMatchObject({ widthFrom: 768, widthTo: d });
      expect(layerNamed(p.model, 'transformer.h.0.attn.c_attn')).toMatchObject({
        inFeatures: d,
        outFeatures: 3 * d,
      });
      expect(layerNamed(p.model, 'transformer.h.11.mlp.c_fc')).toMatchObject({
        outFeatures: 4 * d,
      });
      expect(layerNamed(p.model, 'transformer.h.0.attn.scores')).toMatchObject({
        nHead: 12,
        headDim: d / 12,
      });
      expect(layerNamed(p.model, 'transformer.wte')).toMatchObject({ embeddingDim: d });
      expect(layerNamed(p.model, 'lm_head')).toMatchObject({
        inFeatures: d,
        density: 1,
        isSparsified: false,
      });
      expect(Math.abs(p.flopRatio - 1)).toBeLessThan(0.001);
      // Attention scores and the tied head are outside the budget and grow with the width.
      const outside =
        countModel(p.model).outsideBudget.forwardMacs / countModel(gpt3).outsideBudget.forwardMacs;
      expect(outside).toBeCloseTo(d / 768, 10);
    }
  });

  it('sparsifies Q/K/V (fused c_attn), attention c_proj and both MLP linears, nothing else', () => {
    const p = planned(presetSpec('gpt-tiny'), 'sparse-factorized', 0.75);
    const transformed = p.layers.filter((lp) => lp.rank !== undefined).map((lp) => lp.name);
    expect(transformed).toEqual(
      [0, 1].flatMap((i) =>
        ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'].map(
          (n) => `transformer.h.${i}.${n}`,
        ),
      ),
    );
    const cAttn = p.layers[0];
    // Din = 64, Dout = 192: 64 * 192 / (256 * 0.25) = 192.
    expect(cAttn.rank).toBe(192);
    expect(cAttn.layers.map((l) => l.kind)).toEqual(['linear', 'layernorm', 'linear']);
    expect(cAttn.layers[2]).toMatchObject({ hasBias: true, inFeatures: 192, outFeatures: 192 });
    expect(cAttn.layers[0]).toMatchObject({ hasBias: false });
  });

  it('Sparse Parallel adds a LayerNorm per branch to GPT linears (none to remove)', () => {
    const base = presetSpec('gpt-tiny');
    const p = planned(base, 'sparse-parallel', 0.75);
    const cFc = p.layers.find((lp) => lp.name === 'transformer.h.0.mlp.c_fc');
    expect(cFc?.replacesNorm).toBeUndefined();
    expect(cFc?.layers.filter((l) => l.kind === 'layernorm')).toHaveLength(4);
    expect((cFc?.layers[1] as { features: number }).features).toBe(256);
    const baseNorms = base.layers.filter((l) => l.kind === 'layernorm').map((l) => l.name);
    const modelNames = new Set(p.model.layers.map((l) => l.name));
    expect(baseNorms.every((n) => modelNames.has(n))).toBe(true);
    expect((layerNamed(p.model, 'lm_head') as LinearLayer).density).toBe(1);
  });
});
