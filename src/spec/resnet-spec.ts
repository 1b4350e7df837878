// ResNet for small images, as the CIFAR ResNet-18 of docs/sift-method.md: 3x3 stem conv (stride 1,
// no max pool), stages of BasicBlocks (conv3x3-BN-ReLU-conv3x3-BN + shortcut, ReLU), a 1x1 conv +
// BN shortcut where the shape changes, global average pool, FC. He et al. 2016; module names follow
// the common PyTorch CIFAR ResNet (`conv1`, `layer1.0.conv1`, `layer2.0.shortcut.0`, `fc`). ReLU,
// residual adds and the pool carry no parameters and are not listed: the paper's FLOP budget counts
// convs and the FC only.
import { SiftError } from '../common/errors';
import {
  convOutputSize,
  type Conv2dLayer,
  type LayerSpec,
  type ModelSpec,
  type NormLayer,
} from './model-spec';
import { FULL_DENSITY } from './sparsity';

/** Shape of a small-image ResNet; stage i has width baseWidth * widthMultipliers[i]. */
export interface ResNetConfig {
  kind: 'resnet';
  /** Image channels (3 for CIFAR, 1 for MNIST-like). */
  inChannels: number;
  /** Square image side in pixels. */
  imageSize: number;
  numClasses: number;
  /** Stem output channels and stage-1 width; the one number Sparse Wide scales. */
  baseWidth: number;
  /** Stage width over baseWidth (ResNet-18: 1, 2, 4, 8). */
  widthMultipliers: readonly number[];
  /** BasicBlocks per stage (ResNet-18: 2, 2, 2, 2). */
  blocksPerStage: readonly number[];
  /** Stride of the first block of each stage (CIFAR ResNet-18: 1, 2, 2, 2). */
  strides: readonly number[];
}

export function resnetStageWidths(config: ResNetConfig): number[] {
  return config.widthMultipliers.map((m) => config.baseWidth * m);
}

function validate(config: ResNetConfig): void {
  const n = config.widthMultipliers.length;
  const ints: [string, number][] = [
    ['inChannels', config.inChannels],
    ['imageSize', config.imageSize],
    ['numClasses', config.numClasses],
    ['baseWidth', config.baseWidth],
    ...config.widthMultipliers.map((v, i): [string, number] => [`widthMultipliers[${i}]`, v]),
    ...config.blocksPerStage.map((v, i): [string, number] => [`blocksPerStage[${i}]`, v]),
    ...config.strides.map((v, i): [string, number] => [`strides[${i}]`, v]),
  ];
  for (const [key, v] of ints) {
    if (!Number.isInteger(v) || v < 1) {
      throw new SiftError('CONFIG_INVALID', `ResNet ${key} must be a positive integer, got ${v}`);
    }
  }
  if (n === 0 || config.blocksPerStage.length !== n || config.strides.length !== n) {
    throw new SiftError(
      'CONFIG_INVALID',
      'ResNet widthMultipliers, blocksPerStage and strides must be non-empty and of equal length',
    );
  }
}

/** Builds the layer list of a ResNet; every conv except the stem is sparsified, shortcuts too. */
export function resnetSpec(config: ResNetConfig, name = 'resnet'): ModelSpec {
  validate(config);
  const layers: LayerSpec[] = [];
  let channels = config.inChannels;
  let size = config.imageSize;

  const conv = (
    layerName: string,
    outChannels: number,
    kernelSize: number,
    stride: number,
    normName: string,
    role: 'stem' | 'body',
  ): void => {
    const padding = (kernelSize - 1) / 2;
    const outSize = convOutputSize(size, kernelSize, stride, padding);
    const layer: Conv2dLayer = {
      kind: 'conv2d',
      name: layerName,
      role,
      hasBias: false, // followed by BN, whose shift makes a conv bias redundant
      isSparsified: role === 'body',
      density: FULL_DENSITY,
      inIsoFlopBudget: true,
      normName,
      inChannels: channels,
      outChannels,
      kernelSize,
      stride,
      padding,
      inHeight: size,
      inWidth: size,
      outHeight: outSize,
      outWidth: outSize,
    };
    const norm: NormLayer = {
      kind: 'batchnorm2d',
      name: normName,
      role: 'norm',
      features: outChannels,
      elementsPerSample: outChannels * outSize * outSize,
      hasBias: true,
    };
    layers.push(layer, norm);
  };

  conv('conv1', config.baseWidth, 3, 1, 'bn1', 'stem');
  channels = config.baseWidth;

  resnetStageWidths(config).forEach((width, stage) => {
    for (let block = 0; block < config.blocksPerStage[stage]; block++) {
      const prefix = `layer${stage + 1}.${block}`;
      const stride = block === 0 ? config.strides[stage] : 1;
      const blockIn = channels;
      const blockInSize = size;
      conv(`${prefix}.conv1`, width, 3, stride, `${prefix}.bn1`, 'body');
      channels = width;
      size = convOutputSize(size, 3, stride, 1);
      conv(`${prefix}.conv2`, width, 3, 1, `${prefix}.bn2`, 'body');
      if (stride !== 1 || blockIn !== width) {
        // The shortcut reads the block input, so rewind the running shape while describing it.
        const [afterC, afterSize] = [channels, size];
        [channels, size] = [blockIn, blockInSize];
        conv(`${prefix}.shortcut.0`, width, 1, stride, `${prefix}.shortcut.1`, 'body');
        [channels, size] = [afterC, afterSize];
      }
    }
  });

  layers.push({
    kind: 'linear',
    name: 'fc',
    role: 'classifier',
    hasBias: true,
    isSparsified: false,
    density: FULL_DENSITY,
    inIsoFlopBudget: true,
    inFeatures: channels,
    outFeatures: config.numClasses,
    rows: 1, // after the global average pool
  });

  return {
    name,
    task: 'classify',
    arch: config,
    inputShape: [config.inChannels, config.imageSize, config.imageSize],
    layers,
  };
}
