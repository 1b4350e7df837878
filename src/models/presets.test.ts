// Every preset builds a valid spec of the advertised shape; dataset overrides apply and are checked.
import { describe, expect, it } from 'vitest';
import { SiftError } from '../common/errors';
import { findLayer, weightLayers, type Conv2dLayer } from '../spec/model-spec';
import { getPreset, PRESET_NAMES, presetConfig, presetSpec } from './presets';

describe('model presets', () => {
  it('has the names every CLI and the UI use, each building a spec', () => {
    expect([...PRESET_NAMES]).toEqual([
      'resnet18-cifar100',
      'resnet18-cifar10',
      'resnet-mini',
      'gpt-tiny',
      'gpt-mini',
      'gpt3-small',
    ]);
    for (const name of PRESET_NAMES) {
      const spec = presetSpec(name);
      expect(spec.name).toBe(name);
      expect(weightLayers(spec).some((l) => l.isSparsified)).toBe(true);
    }
    expect(getPreset('gpt3-small').isShapeOnly).toBe(true);
    expect(getPreset('gpt-tiny').isShapeOnly).toBe(false);
  });

  it('resnet-mini is a ResNet-8 on 28x28x1 images: 28 -> 14 -> 7 pixels, widths 16/32/64', () => {
    const spec = presetSpec('resnet-mini');
    expect(spec.inputShape).toEqual([1, 28, 28]);
    expect(weightLayers(spec).filter((l) => !l.name.includes('shortcut'))).toHaveLength(8);
    expect(findLayer(spec, 'conv1')).toMatchObject({ inChannels: 1, outChannels: 16 });
    expect(findLayer(spec, 'layer2.0.conv1')).toMatchObject({ outChannels: 32, outHeight: 14 });
    const last = findLayer(spec, 'layer3.0.conv2') as Conv2dLayer;
    expect([last.outChannels, last.outHeight, last.outWidth]).toEqual([64, 7, 7]);
    expect(findLayer(spec, 'fc')).toMatchObject({ inFeatures: 64, outFeatures: 10 });
  });

  it('GPT presets have the stated depth, width, heads and context', () => {
    expect(presetConfig('gpt-tiny')).toMatchObject({
      nLayer: 2,
      dModel: 64,
      nHead: 4,
      contextLength: 64,
      vocabSize: 96,
    });
    expect(presetConfig('gpt-mini')).toMatchObject({ nLayer: 4, dModel: 128, contextLength: 128 });
    expect(presetConfig('gpt3-small')).toMatchObject({
      nLayer: 12,
      dModel: 768,
      nHead: 12,
      contextLength: 2048,
      vocabSize: 50257,
    });
  });

  it('applies dataset overrides and rejects ones that do not fit the task', () => {
    expect(findLayer(presetSpec('gpt-tiny', { vocabSize: 65 }), 'lm_head')).toMatchObject({
      outFeatures: 65,
    });
    expect(findLayer(presetSpec('gpt-tiny', { vocabSize: 65 }), 'transformer.wte')).toMatchObject({
      numEmbeddings: 65,
    });
    const rgb = presetSpec('resnet-mini', { inChannels: 3, imageSize: 32, numClasses: 100 });
    expect(rgb.inputShape).toEqual([3, 32, 32]);
    expect(findLayer(rgb, 'fc')).toMatchObject({ outFeatures: 100 });
    expect(presetConfig('resnet-mini', { numClasses: undefined })).toMatchObject({
      numClasses: 10,
    });
    expect(() => presetSpec('gpt-tiny', { numClasses: 10 })).toThrow(/language model/);
    expect(() => presetSpec('resnet-mini', { vocabSize: 10 })).toThrow(/image model/);
    expect(() => presetSpec('gpt-tiny', { vocabSize: 0 })).toThrow(SiftError);
    expect(() => presetSpec('resnet-50')).toThrow(/unknown model preset "resnet-50"/);
  });
});
