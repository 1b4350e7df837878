// Model presets by name, used by every CLI and the UI (issue 4). Small typed objects with a
// comment per non-obvious value, like nanoGPT's config files. Pure: no tensors, so the main
// thread can import it to show sizes.
import { SiftError } from '../common/errors';
import { buildSpec } from '../spec/build-spec';
import type { GptConfig } from '../spec/gpt-spec';
import type { ArchConfig, ModelSpec, Task } from '../spec/model-spec';
import type { ResNetConfig } from '../spec/resnet-spec';

export const PRESET_NAMES = [
  'resnet18-cifar100',
  'resnet18-cifar10',
  'resnet-mini',
  'gpt-tiny',
  'gpt-mini',
  'gpt3-small',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

export interface ModelPreset {
  name: PresetName;
  description: string;
  task: Task;
  config: ArchConfig;
  /** Too large to train here; present for FLOP and shape checks (the paper's GPT-3 Small). */
  isShapeOnly: boolean;
}

/**
 * CIFAR ResNet-18 of docs/sift-method.md (He et al. 2016 widths, CIFAR stem: 3x3 stride 1, no max
 * pool).
 */
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

/**
 * ResNet-8 (stem + 3 BasicBlocks x 2 convs + FC = 8 weight layers deep), base width 16, as the
 * smallest ResNet of He et al.'s CIFAR family (ResNet-20 also starts at 16 channels). On 28x28x1
 * images: about 9.2M MACs and 78k parameters per image, so a browser GPU trains an epoch of
 * 10k images in seconds, and the 10x cost of masked-dense Sparse Wide at s = 0.9 stays usable.
 * Three stages (28 -> 14 -> 7 pixels) keep each shortcut a 1x1 conv, so every transform has all
 * the layer kinds of ResNet-18.
 */
const resnetMini: ResNetConfig = {
  kind: 'resnet',
  inChannels: 1, // built-in MNIST-like images
  imageSize: 28,
  numClasses: 10,
  baseWidth: 16,
  widthMultipliers: [1, 2, 4],
  blocksPerStage: [1, 1, 1],
  strides: [1, 2, 2],
};

/** Default character vocabulary: printable ASCII (95) plus newline; replaced by the dataset's. */
export const DEFAULT_CHAR_VOCAB = 96;

const gptTiny: GptConfig = {
  kind: 'gpt',
  vocabSize: DEFAULT_CHAR_VOCAB,
  contextLength: 64,
  nLayer: 2,
  nHead: 4, // head dim 16
  dModel: 64,
  mlpRatio: 4,
  hasBias: true,
};

const gptMini: GptConfig = {
  kind: 'gpt',
  vocabSize: DEFAULT_CHAR_VOCAB,
  contextLength: 128,
  nLayer: 4,
  nHead: 4, // head dim 32
  dModel: 128,
  mlpRatio: 4,
  hasBias: true,
};

/** GPT-3 Small (Brown et al. 2020, table 2.1): 12 x 768, 12 heads, 2048 context, GPT-2 BPE vocab. */
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

export const PRESETS: Readonly<Record<PresetName, ModelPreset>> = {
  'resnet18-cifar100': {
    name: 'resnet18-cifar100',
    description: 'CIFAR ResNet-18 of docs/sift-method.md, 100 classes, 32x32x3',
    task: 'classify',
    config: cifarResNet18,
    isShapeOnly: false,
  },
  'resnet18-cifar10': {
    name: 'resnet18-cifar10',
    description: 'CIFAR ResNet-18, 10 classes, 32x32x3',
    task: 'classify',
    config: { ...cifarResNet18, numClasses: 10 },
    isShapeOnly: false,
  },
  'resnet-mini': {
    name: 'resnet-mini',
    description: 'ResNet-8, width 16, 28x28x1, 10 classes: trains in minutes in a browser',
    task: 'classify',
    config: resnetMini,
    isShapeOnly: false,
  },
  'gpt-tiny': {
    name: 'gpt-tiny',
    description: 'GPT, 2 layers x 64, 4 heads, context 64, character vocabulary',
    task: 'language',
    config: gptTiny,
    isShapeOnly: false,
  },
  'gpt-mini': {
    name: 'gpt-mini',
    description: 'GPT, 4 layers x 128, 4 heads, context 128, character vocabulary',
    task: 'language',
    config: gptMini,
    isShapeOnly: false,
  },
  'gpt3-small': {
    name: 'gpt3-small',
    description: 'GPT-3 Small shape (12 x 768, 12 heads, context 2048, vocab 50257), FLOPs only',
    task: 'language',
    config: gpt3Small,
    isShapeOnly: true,
  },
};

/** What a dataset decides at run time; keys that do not apply to the preset's task are rejected. */
export interface DatasetOverrides {
  numClasses?: number;
  imageSize?: number;
  inChannels?: number;
  vocabSize?: number;
  contextLength?: number;
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export function getPreset(name: string): ModelPreset {
  if (!isPresetName(name)) {
    throw new SiftError(
      'CONFIG_INVALID',
      `unknown model preset "${name}"; expected one of ${PRESET_NAMES.join(', ')}`,
    );
  }
  return PRESETS[name];
}

/** The preset's config with dataset overrides applied (undefined keys keep the preset's value). */
export function presetConfig(name: string, overrides: DatasetOverrides = {}): ArchConfig {
  const { config } = getPreset(name);
  const defined = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as DatasetOverrides;
  if (config.kind === 'resnet') {
    const { vocabSize, contextLength, ...rest } = defined;
    if (vocabSize !== undefined || contextLength !== undefined) {
      throw new SiftError(
        'CONFIG_INVALID',
        `${name} is an image model: vocabSize/contextLength do not apply`,
      );
    }
    return { ...config, ...rest };
  }
  const { numClasses, imageSize, inChannels, ...rest } = defined;
  if (numClasses !== undefined || imageSize !== undefined || inChannels !== undefined) {
    throw new SiftError(
      'CONFIG_INVALID',
      `${name} is a language model: numClasses/imageSize/inChannels do not apply`,
    );
  }
  return { ...config, ...rest };
}

/** The ModelSpec of a preset (validated), named after the preset. */
export function presetSpec(name: string, overrides: DatasetOverrides = {}): ModelSpec {
  return buildSpec(presetConfig(name, overrides), name);
}
