// `npm run sweep -- --model <preset> --transforms dense,wide --sparsities 0.5,0.75,0.9
//   --methods rigl,static --seeds 3 --steps N [--json out.json]`: transforms x sparsities x methods
// x seeds on Node's WebGPU, each run through runOnNode as `train` does, then mean, std and a verdict
// against dense per cell (train/sweep-stats.ts). --json is rewritten after every run, so a sweep
// stopped halfway keeps what finished.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isSiftError } from '../common/errors';
import { getRecipe, type SweepRecipe } from '../spec/recipes';
import {
  defaultRunConfig,
  parseRunConfig,
  type DstMethod,
  type RunConfig,
} from '../spec/run-config';
import { parseTransformName } from '../sparse/transforms/types';
import { expandSweep, sweepCells, type SweepRunSpec, type SweepSpec } from '../train/sweep-plan';
import {
  aggregateSweep,
  formatGain,
  type SweepCellResult,
  type SweepMetric,
  type SweepRunResult,
} from '../train/sweep-stats';
import { formatCount, formatTable, processIo, UsageError, type CliIo } from './cli-io';
import { runOnNode } from './run-node';
import { configFromArgs, TRAIN_OPTIONS } from './train';

const OPTIONS = {
  ...TRAIN_OPTIONS,
  // No defaults, so giving them is caught (each run sets its own) or the recipe's model applies.
  model: { type: 'string' },
  transform: { type: 'string' },
  method: { type: 'string' },
  recipe: { type: 'string' },
  transforms: { type: 'string' },
  sparsities: { type: 'string' },
  methods: { type: 'string' },
  seeds: { type: 'string' },
} as const;

/** Without a recipe. */
const DEFAULT_LISTS = {
  transforms: 'dense,wide',
  sparsities: '0.5,0.75,0.9',
  methods: 'rigl',
  seeds: '3',
};

const USAGE = `usage: npm run sweep -- [--recipe text|cifar] [--model <preset>]
    [--transforms dense,wide,parallel,factorized,doped]
    [--sparsities 0.5,0.75,0.9] [--methods rigl,static,set] [--seeds 3] [--steps N] [--seed first]
    [--json out.json] (and every train option but --transform, --sparsity, --method, --export)`;

type Values = { [K in keyof typeof OPTIONS]?: string | boolean };

export interface SweepJson {
  spec: SweepSpec;
  metric: SweepMetric;
  cells: SweepCellResult[];
  runs: SweepRunResult[];
}

function list(flag: string, text: string): string[] {
  const items = text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${flag} needs at least one value`);
  return items;
}

/**
 * The recipe's settings with the user's own flags on top. configFromArgs fills every field from
 * defaults, so a flag counts as the user's when it changes the config from the bare preset's.
 */
function baseConfig(values: Values, recipe: SweepRecipe | undefined): RunConfig {
  const fixed = { transform: 'dense', method: 'static' };
  const flagged = configFromArgs({
    ...values,
    ...fixed,
    model: values.model ?? recipe?.config.model ?? defaultRunConfig.model,
  });
  if (!recipe) return flagged;
  const bare = configFromArgs({ ...fixed, model: flagged.model, dataset: values.dataset });
  const own = Object.fromEntries(
    Object.entries(flagged).filter(([k, v]) => bare[k as keyof RunConfig] !== v),
  );
  return parseRunConfig({ ...defaultRunConfig, ...recipe.config, ...own });
}

export function sweepSpecFromArgs(values: Values): SweepSpec {
  for (const flag of ['transform', 'sparsity', 'method', 'export'] as const) {
    if (values[flag] !== undefined) {
      throw new UsageError(`--${flag} does not apply to a sweep; use --${flag}s for a list`);
    }
  }
  const recipe = values.recipe === undefined ? undefined : getRecipe(String(values.recipe));
  const pick = (flag: keyof typeof DEFAULT_LISTS, fromRecipe: string | undefined) =>
    String(values[flag] ?? fromRecipe ?? DEFAULT_LISTS[flag]);
  const seedsText = pick('seeds', recipe && String(recipe.seeds));
  const seeds = Number(seedsText);
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw new UsageError(`--seeds must be a positive integer, got "${seedsText}"`);
  }
  const sparsities = list('sparsities', pick('sparsities', recipe?.sparsities.join(','))).map(
    (s) => {
      const n = Number(s);
      if (!Number.isFinite(n)) throw new UsageError(`--sparsities must be numbers, got "${s}"`);
      return n;
    },
  );
  return {
    base: baseConfig(values, recipe),
    transforms: list('transforms', pick('transforms', recipe?.transforms.join(','))).map(
      parseTransformName,
    ),
    sparsities,
    methods: list('methods', pick('methods', recipe?.methods.join(','))) as DstMethod[],
    seeds,
  };
}

function metricText(metric: SweepMetric, value: number | null, std: number | null): string {
  if (value === null) return '-';
  const v = metric === 'accuracy' ? `${(100 * value).toFixed(2)}%` : value.toFixed(3);
  return std === null ? v : `${v} ± ${formatGain(metric, std)}`;
}

export function formatSweepTable(metric: SweepMetric, cells: SweepCellResult[]): string {
  const rows = cells.map((c) => [
    c.transform,
    c.transform === 'dense' ? '-' : String(c.sparsity),
    c.method ?? '-',
    metricText(metric, c.mean, c.std),
    `${c.n}${c.failed ? ` (+${c.failed} failed)` : ''}`,
    c.trainingFlops === null ? '-' : formatCount(c.trainingFlops),
    c.executedFlops === null ? '-' : formatCount(c.executedFlops),
    c.wallSeconds === null ? '-' : `${c.wallSeconds.toFixed(1)} s`,
    c.verdict.text,
  ]);
  return formatTable(
    [
      'transform',
      's',
      'method',
      metric === 'accuracy' ? 'eval acc (mean ± std)' : 'eval bits/char (mean ± std)',
      'n',
      'train FLOPs',
      'executed',
      'wall/run',
      'verdict vs dense',
    ],
    rows,
    [0, 2, 8],
  );
}

async function runOne(
  run: SweepRunSpec,
  io: CliIo,
  values: Values,
): Promise<{ result: SweepRunResult; metric: SweepMetric }> {
  const r = await runOnNode(run.config, io, {
    dataFile: values['data-file'] as string | undefined,
    quiet: true,
  });
  r.run.dispose();
  const metric: SweepMetric = r.final.evalAccuracy !== undefined ? 'accuracy' : 'bits-per-char';
  return {
    metric,
    result: {
      id: run.id,
      cell: run.cell,
      seed: run.seed,
      metric: (metric === 'accuracy' ? r.final.evalAccuracy : r.final.evalBitsPerChar) as number,
      trainingFlops: r.final.trainingFlops,
      executedFlops: r.final.executedFlops,
      wallSeconds: r.final.wallSeconds,
      ...(r.error && { error: r.error }),
      history: r.history,
    },
  };
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE + '\n');
    return 0;
  }
  let spec: SweepSpec;
  let runs: SweepRunSpec[];
  try {
    spec = sweepSpecFromArgs(values);
    runs = expandSweep(spec);
  } catch (e) {
    if (e instanceof UsageError || isSiftError(e)) {
      io.err(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const cells = sweepCells(spec);
  const results: SweepRunResult[] = [];
  let metric: SweepMetric = 'accuracy';
  const save = async () => {
    if (!values.json) return;
    const out: SweepJson = {
      spec,
      metric,
      cells: aggregateSweep(cells, results, metric),
      runs: results,
    };
    await writeFile(String(values.json), JSON.stringify(out, null, 2));
  };
  try {
    for (const [i, run] of runs.entries()) {
      const one = await runOne(run, io, values);
      metric = one.metric;
      results.push(one.result);
      const r = one.result;
      io.err(
        `run ${i + 1}/${runs.length} ${run.id}: ${metricText(metric, r.metric, null)}` +
          `${r.error ? ` (stopped: ${r.error.code})` : ''}, ${r.wallSeconds.toFixed(1)} s\n`,
      );
      await save();
    }
  } catch (e) {
    if (isSiftError(e)) {
      io.err(`error (${e.code}): ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  io.out(formatSweepTable(metric, aggregateSweep(cells, results, metric)) + '\n');
  return 0;
}
