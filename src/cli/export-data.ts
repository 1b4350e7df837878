// Puts the built-in data a run trained on beside its export (`<dir>/data/`), so the export is
// self-contained: `sift-train --from <dir>` (python/) continues it with the same batches.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_FILES } from '../data/builtin';
import { DEFAULT_DATA_DIR } from '../data/builtin-node';
import type { RunConfig } from '../spec/run-config';

/** The built-in files `config` reads; user files (CIFAR, text) are the user's to pass along. */
export function builtinDataFiles(config: RunConfig): string[] {
  if (config.dataset === 'builtin-images')
    return [BUILTIN_FILES.imagesTrain, BUILTIN_FILES.imagesTest];
  if (config.dataset === 'builtin-text') return [BUILTIN_FILES.text];
  return [];
}

/** Copies the built-in files of `config` into `<dir>/data/`; returns the names copied. */
export async function exportBuiltinData(
  config: RunConfig,
  dir: string,
  from: string = DEFAULT_DATA_DIR,
): Promise<string[]> {
  const files = builtinDataFiles(config);
  if (files.length === 0) return files;
  await mkdir(join(dir, 'data'), { recursive: true });
  for (const f of files) await copyFile(join(from, f), join(dir, 'data', f));
  return files;
}
