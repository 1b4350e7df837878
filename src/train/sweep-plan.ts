// A sweep: one model and recipe (a RunConfig) trained under transforms x sparsities x methods x
// seeds, every SIFT cell at the dense model's training FLOPs (issue 11). Pure: the CLI, the worker's
// queue and the page expand the same SweepSpec into the same ordered list of runs.
//
// Decisions:
//  - Dense is one cell per seed: the untransformed model at s = 0, whose method is meaningless, so
//    its cell carries sparsity 0 and method null and is the baseline every verdict compares with.
//    Listing 'dense' once is enough; the dense sparse baseline at s > 0 (plan.ts point 10) is not a
//    sweep cell, since it is not iso-FLOP.
//  - Seeds are base.seed, base.seed + 1, ...: the same seeds in every cell, so cells share data
//    order and differ only by what the transform changes.
//  - Runs are ordered seed-major (every cell at the first seed, then every cell at the next), so a
//    sweep stopped halfway has every cell at n >= 1 instead of some cells complete and others empty.
import { SiftError } from '../common/errors';
import {
  dstMethods,
  parseRunConfig,
  transformNames,
  type DstMethod,
  type RunConfig,
  type TransformName,
} from '../spec/run-config';

export interface SweepSpec {
  /** Model, dataset and recipe; its transform, sparsity, method and seed are replaced per run. */
  base: RunConfig;
  transforms: TransformName[];
  sparsities: number[];
  methods: DstMethod[];
  /** Runs per cell, seeds base.seed .. base.seed + seeds - 1. */
  seeds: number;
}

/** One (transform, sparsity, method) point of the sweep; dense is { 'dense', 0, null }. */
export interface SweepCellKey {
  transform: TransformName;
  sparsity: number;
  method: DstMethod | null;
}

export interface SweepRunSpec {
  /** Stable id within the sweep, e.g. "sparse-wide/0.5/rigl/seed2". */
  id: string;
  cell: SweepCellKey;
  seed: number;
  config: RunConfig;
}

export const MAX_SWEEP_RUNS = 500;

export function cellId(cell: SweepCellKey): string {
  return `${cell.transform}/${cell.sparsity}/${cell.method ?? '-'}`;
}

/** Every problem with `spec`, as sentences; empty when valid. */
export function sweepProblems(spec: SweepSpec): string[] {
  const p: string[] = [];
  if (spec.transforms.length === 0) p.push('choose at least one transform');
  for (const t of spec.transforms) {
    if (!(transformNames as readonly string[]).includes(t)) p.push(`unknown transform '${t}'`);
  }
  const sparse = spec.transforms.some((t) => t !== 'dense');
  if (sparse && spec.sparsities.length === 0) p.push('choose at least one sparsity');
  if (sparse && spec.methods.length === 0) p.push('choose at least one method');
  for (const s of spec.sparsities) {
    if (!(Number.isFinite(s) && s > 0 && s < 1)) p.push(`sparsity must be in (0, 1), got ${s}`);
  }
  for (const m of spec.methods) {
    if (!(dstMethods as readonly string[]).includes(m)) p.push(`unknown method '${m}'`);
  }
  if (!(Number.isInteger(spec.seeds) && spec.seeds >= 1 && spec.seeds <= 20)) {
    p.push(`seeds must be a whole number in [1, 20], got ${spec.seeds}`);
  }
  if (p.length === 0 && runCount(spec) > MAX_SWEEP_RUNS) {
    p.push(`a sweep is at most ${MAX_SWEEP_RUNS} runs, this one is ${runCount(spec)}`);
  }
  return p;
}

/** The cells in display order: dense first, then transform-major, sparsity, method. */
export function sweepCells(spec: SweepSpec): SweepCellKey[] {
  const cells: SweepCellKey[] = [];
  const unique = <T>(xs: T[]) => [...new Set(xs)];
  const transforms = unique(spec.transforms);
  if (transforms.includes('dense')) cells.push({ transform: 'dense', sparsity: 0, method: null });
  for (const transform of transforms.filter((t) => t !== 'dense')) {
    for (const sparsity of unique(spec.sparsities).sort((a, b) => a - b)) {
      for (const method of unique(spec.methods)) cells.push({ transform, sparsity, method });
    }
  }
  return cells;
}

function runCount(spec: SweepSpec): number {
  return sweepCells(spec).length * spec.seeds;
}

/**
 * The runs of a sweep in the order they execute (seed-major). Throws CONFIG_INVALID listing every
 * problem of the spec, or of a run's config (e.g. a recipe the validator rejects).
 */
export function expandSweep(spec: SweepSpec): SweepRunSpec[] {
  const problems = sweepProblems(spec);
  if (problems.length > 0) {
    throw new SiftError('CONFIG_INVALID', `Invalid sweep: ${problems.join('; ')}.`);
  }
  const runs: SweepRunSpec[] = [];
  for (let i = 0; i < spec.seeds; i++) {
    const seed = spec.base.seed + i;
    for (const cell of sweepCells(spec)) {
      const config = parseRunConfig({
        ...spec.base,
        transform: cell.transform,
        sparsity: cell.sparsity,
        method: cell.method ?? 'static',
        seed,
      });
      runs.push({ id: `${cellId(cell)}/seed${seed}`, cell, seed, config });
    }
  }
  return runs;
}
