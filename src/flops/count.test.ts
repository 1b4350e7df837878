// MAC and parameter counts against hand-computed values: the paper's CIFAR ResNet-18 budget, the
// GPT-3 Small block/attention/head split, realised densities and the executed-cost models.
import { describe, expect, it } from 'vitest';
import { presetSpec } from '../models/presets';
import { findLayer, isWeightLayer, type ModelSpec, type WeightLayer } from '../spec/model-spec';
import { toDensity } from '../spec/sparsity';
import {
  countModel,
  countWeightLayer,
  denseEquivalentMacs,
  maskedDenseKernel,
  zeroSkippingKernel,
} from './count';

function withDensity(spec: ModelSpec, density: number): ModelSpec {
  return {
    ...spec,
    layers: spec.layers.map((l) =>
      isWeightLayer(l) && l.isSparsified ? { ...l, density: toDensity(density) } : l,
    ),
  };
}

describe('forward MACs', () => {
  it('CIFAR ResNet-18 (100 classes) costs 555,468,800 MACs, convs + FC (paper: 0.5555 GMACs)', () => {
    // By hand: stem 3*9*64*32^2 = 1,769,472; stage 1 = 4 * 64*9*64*32^2 = 150,994,944; stages
    // 2, 3, 4 = 134,217,728 each (first conv halves, 1x1 shortcut 2,097,152); FC 512*100 = 51,200.
    const count = countModel(presetSpec('resnet18-cifar100'));
    expect(count.budget.forwardMacs).toBe(1_769_472 + 150_994_944 + 3 * 134_217_728 + 51_200);
    expect(count.budget.forwardMacs).toBe(555_468_800);
    expect(count.budget.denseEquivalentMacs).toBe(555_468_800);
    expect(count.budget.executedMacs).toBe(555_468_800);
    expect(count.outsideBudget.forwardMacs).toBe(0);
    expect(count.paramsTotal).toBe(11_220_132);
    expect(count.paramsActive).toBe(11_220_132);
  });

  it('GPT-3 Small: block linears in the budget; attention scores and tied head outside it', () => {
    const count = countModel(presetSpec('gpt3-small'));
    const T = 2048;
    const d = 768;
    const perTokenPerBlock = d * 3 * d + d * d + d * 4 * d + 4 * d * d; // 12 d^2
    expect(count.budget.forwardMacs).toBe(12 * T * perTokenPerBlock);
    expect(count.outsideBudget.attentionMacs).toBe(12 * 2 * T * T * d);
    expect(count.outsideBudget.forwardMacs).toBe(12 * 2 * T * T * d + T * d * 50257);
    expect(count.total.forwardMacs).toBe(
      count.budget.forwardMacs + count.outsideBudget.forwardMacs,
    );
    const head = count.weightLayers.find((c) => c.name === 'lm_head');
    expect(head).toMatchObject({ params: 0, inIsoFlopBudget: false });
    expect(count.paramsTotal).toBe(125_226_240);
  });

  it('counts a sparse layer at the density its mask realises, executed per the kernel model', () => {
    const spec = withDensity(presetSpec('resnet18-cifar100'), 0.1);
    const conv = findLayer(spec, 'layer1.0.conv1') as WeightLayer; // 36,864 weights
    const dense = denseEquivalentMacs(conv);
    expect(dense).toBe(37_748_736);
    const masked = countWeightLayer(conv, maskedDenseKernel);
    // round(3686.4) = 3686 kept weights.
    expect(masked.activeParams).toBe(3686);
    expect(masked.density).toBe(3686 / 36_864);
    expect(masked.forwardMacs).toBeCloseTo((dense * 3686) / 36_864, 6);
    expect(masked.executedMacs).toBe(dense);
    expect(countWeightLayer(conv, zeroSkippingKernel).executedMacs).toBeCloseTo(
      masked.forwardMacs,
      6,
    );

    const count = countModel(spec);
    const stemAndFc = 1_769_472 + 51_200;
    expect(count.budget.forwardMacs / 555_468_800).toBeCloseTo(
      0.1 + (0.9 * stemAndFc) / 555_468_800,
      4,
    );
    expect(count.budget.executedMacs).toBe(555_468_800);
    expect(count.paramsTotal).toBe(11_220_132);
    expect(count.paramsActive).toBeLessThan(0.11 * 11_220_132);
  });

  it('a custom executed-cost model is applied to every weight layer', () => {
    const halfCost = (_l: WeightLayer, macs: number) => macs / 2;
    const count = countModel(presetSpec('resnet-mini'), { executed: halfCost });
    expect(count.budget.executedMacs).toBe(count.budget.denseEquivalentMacs / 2);
  });
});
