// Reading an imported checkpoint far enough to say what it is (or what is wrong with it) before
// the worker loads it, with the same parsers the worker uses (io/safetensors, io/checkpoint).
import { isSiftError } from '../common/errors';
import { parseCheckpointConfig } from '../io/checkpoint';
import { readSafetensors } from '../io/safetensors';
import type { RunConfig } from '../spec/run-config';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface SafetensorsSummary {
  tensors: number;
  metadata: Record<string, string>;
}

function problemOf(e: unknown, name: string): string {
  return `${name}: ${isSiftError(e) || e instanceof Error ? e.message : String(e)}`;
}

export function readSafetensorsSummary(
  bytes: ArrayBuffer,
  name: string,
): Checked<SafetensorsSummary> {
  try {
    const file = readSafetensors(bytes);
    return { ok: true, value: { tensors: file.tensors.size, metadata: file.metadata } };
  } catch (e) {
    return { ok: false, problem: problemOf(e, name) };
  }
}

export interface ImportedConfig {
  run: RunConfig;
  /** Steps the checkpoint was trained for. */
  step: number;
}

/** The config.json written beside the weights by the export. */
export function readConfigJson(text: string, name: string): Checked<ImportedConfig> {
  try {
    const config = parseCheckpointConfig(text);
    return { ok: true, value: { run: config.run, step: config.step } };
  } catch (e) {
    return { ok: false, problem: problemOf(e, name) };
  }
}
