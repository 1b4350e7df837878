// Node's way to read the built-in data (the CLI and tests); the browser uses fetchDataFiles.
// Kept apart from builtin.ts so the browser bundle never sees node:fs.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SiftError } from '../common/errors';
import type { ReadDataFile } from './builtin';

/** Where scripts/prepare-data.mjs writes, relative to the repository root (the npm scripts' cwd). */
export const DEFAULT_DATA_DIR = resolve(process.cwd(), 'public', 'data');

/** Reads built-in data files from `dir` (default public/data under the working directory). */
export function nodeDataFiles(dir: string = DEFAULT_DATA_DIR): ReadDataFile {
  return async (fileName) => {
    const path = join(dir, fileName);
    try {
      return await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SiftError(
          'DATASET_MISSING',
          `${path} not found: run \`npm run prepare-data\` first`,
        );
      }
      throw e;
    }
  };
}
