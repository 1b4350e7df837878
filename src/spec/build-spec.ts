// One entry point from an architecture config to its ModelSpec (used by presets and Sparse Wide).
import { gptSpec } from './gpt-spec';
import type { ArchConfig, ModelSpec } from './model-spec';
import { resnetSpec } from './resnet-spec';

export function buildSpec(arch: ArchConfig, name?: string): ModelSpec {
  return arch.kind === 'resnet' ? resnetSpec(arch, name) : gptSpec(arch, name);
}
