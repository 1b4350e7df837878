// The adapter cache in Node (CLI, bench): one JSON file, by default
// $XDG_CACHE_HOME/sift-playground/adapter-cache.json (~/.cache/... without XDG_CACHE_HOME);
// SIFT_CACHE_DIR replaces the folder. A missing or corrupt file reads as empty and is rewritten
// whole (through a temporary file and a rename, so a crash mid-write leaves the old file).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AdapterStore } from './adapter-cache';

export function defaultCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir =
    env.SIFT_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sift-playground');
  return join(dir, 'adapter-cache.json');
}

export class FileAdapterStore implements AdapterStore {
  constructor(readonly file: string = defaultCacheFile()) {}

  private async readAll(): Promise<Record<string, unknown>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  async get(key: string): Promise<unknown> {
    return (await this.readAll())[key];
  }

  async set(key: string, value: unknown): Promise<void> {
    const all = { ...(await this.readAll()), [key]: value };
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(all, null, 2) + '\n');
    await rename(tmp, this.file);
  }
}
