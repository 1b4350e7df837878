// Types for scripts/prepare-data.mjs, so tests can call it to make missing data.

export declare const DEFAULT_OUT_DIR: string;

export interface PrepareDataManifest {
  settings: Record<string, unknown>;
  files: Record<string, { bytes: number; [key: string]: unknown }>;
  sources: Record<string, string>;
}

export declare function prepareData(options?: {
  outDir?: string;
  force?: boolean;
  log?: (line: string) => void;
}): PrepareDataManifest;
