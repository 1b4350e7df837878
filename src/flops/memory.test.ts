// The memory estimate's parts follow from parameter counts, optimiser slots, masks and batch.
import { describe, expect, it } from 'vitest';
import { presetSpec } from '../models/presets';
import { isWeightLayer, type ModelSpec } from '../spec/model-spec';
import { toDensity } from '../spec/sparsity';
import { countModel } from './count';
import { activationElementsPerSample, estimateTrainingMemory } from './memory';

const sparse = (spec: ModelSpec): ModelSpec => ({
  ...spec,
  layers: spec.layers.map((l) =>
    isWeightLayer(l) && l.isSparsified ? { ...l, density: toDensity(0.5) } : l,
  ),
});

describe('training memory estimate', () => {
  it('stores params and grads dense, optimiser slots per kind, one byte per mask entry', () => {
    const spec = sparse(presetSpec('resnet18-cifar100'));
    const count = countModel(spec);
    const sgd = estimateTrainingMemory(spec, count, 1, 'sgd');
    const momentum = estimateTrainingMemory(spec, count, 1, 'sgd-momentum');
    const adam = estimateTrainingMemory(spec, count, 1, 'adamw');
    expect(sgd.parameterBytes).toBe(4 * 11_220_132);
    expect(sgd.gradientBytes).toBe(sgd.parameterBytes);
    expect(sgd.optimizerStateBytes).toBe(0);
    expect(momentum.optimizerStateBytes).toBe(sgd.parameterBytes);
    expect(adam.optimizerStateBytes).toBe(2 * sgd.parameterBytes);
    // Every conv but the 1,728-weight stem is masked.
    expect(sgd.maskBytes).toBe(11_159_232 - 1728);
    expect(sgd.totalBytes).toBe(2 * sgd.parameterBytes + sgd.maskBytes + sgd.activationBytes);
    const dense = presetSpec('resnet18-cifar100');
    expect(estimateTrainingMemory(dense, countModel(dense), 1, 'sgd').maskBytes).toBe(0);
  });

  it('activations grow linearly with batch and include attention matrices for a GPT', () => {
    const spec = presetSpec('gpt-tiny');
    const count = countModel(spec);
    const one = estimateTrainingMemory(spec, count, 1, 'adamw').activationBytes;
    expect(estimateTrainingMemory(spec, count, 16, 'adamw').activationBytes).toBe(16 * one);
    const longer = presetSpec('gpt-tiny', { contextLength: 128 });
    // Attention matrices grow with T^2, so doubling T more than doubles the activations.
    expect(activationElementsPerSample(longer)).toBeGreaterThan(
      2 * activationElementsPerSample(spec),
    );
  });
});
