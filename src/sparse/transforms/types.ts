// The CLI's transform names and the result types shared by the transform files and plan.ts (the
// names themselves are spec/run-config.ts's transformNames).
import { SiftError } from '../../common/errors';
import type { LayerSpec } from '../../spec/model-spec';
import { transformNames, type TransformName } from '../../spec/run-config';

/** Short names accepted by the CLI (`--transform wide`). */
export const TRANSFORM_SHORT_NAMES: Readonly<Record<string, TransformName>> = {
  dense: 'dense',
  wide: 'sparse-wide',
  parallel: 'sparse-parallel',
  factorized: 'sparse-factorized',
  doped: 'sparse-doped',
};

/** Accepts a full name (`sparse-wide`) or a short one (`wide`); throws CONFIG_INVALID otherwise. */
export function parseTransformName(text: string): TransformName {
  if ((transformNames as readonly string[]).includes(text)) return text as TransformName;
  const short = TRANSFORM_SHORT_NAMES[text];
  if (short) return short;
  throw new SiftError(
    'CONFIG_INVALID',
    `unknown transform "${text}"; expected one of ${Object.keys(TRANSFORM_SHORT_NAMES).join('|')} ` +
      `or ${transformNames.join('|')}`,
  );
}

/** What one weight layer of the base model becomes. */
export interface LayerReplacement {
  /** Weight layers and norms in forward order, named by PyTorch module path. */
  layers: LayerSpec[];
  /** A norm of the base model that this replacement absorbs (Parallel: one norm per branch). */
  replacesNorm?: string;
  /** Sparse Parallel: number of branches. */
  branches?: number;
  /** Sparse Factorized: inner width d; Sparse Doped: rank r of the dense U, V pair. */
  rank?: number;
  /** One line for tables and the UI, e.g. "4 branches at density 0.25, own BN each". */
  summary: string;
}
