// `npm run train -- --model <preset> --transform <t> --sparsity <s> --method static|set|rigl
//   --steps N [--seed k] [--json out.json] [--export dir]`: one run on Node's WebGPU. Every flag
// and path is checked (src/cli/flags.ts) before the GPU is touched.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRunLimits } from '../flops/limits';
import { exportRun } from '../io/checkpoint';
import { getPreset } from '../models/presets';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { parseTransformName } from '../sparse/transforms/types';
import {
  defaultDivergenceRule,
  divergenceRuleProblems,
  type DivergenceRule,
} from '../train/divergence';
import { formatCount, processIo, UsageError, type CliIo } from './cli-io';
import { checkRunSize } from '../train/setup';
import { runCommand, writeOutput } from './command';
import { exportBuiltinData } from './export-data';
import { checkFlags, type FlagRules, type FlagValues } from './flags';
import { runOnNode } from './run-node';

export const TRAIN_OPTIONS = {
  model: { type: 'string', default: defaultRunConfig.model },
  dataset: { type: 'string' },
  'data-file': { type: 'string' },
  transform: { type: 'string', default: 'dense' },
  sparsity: { type: 'string' },
  method: { type: 'string', default: defaultRunConfig.method },
  'mask-init': { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  schedule: { type: 'string' },
  'weight-decay': { type: 'string' },
  'update-interval': { type: 'string' },
  'drop-fraction': { type: 'string' },
  'end-fraction': { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-samples': { type: 'string' },
  'metrics-every': { type: 'string' },
  'grad-clip': { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  export: { type: 'string' },
  'diverge-factor': { type: 'string' },
  'diverge-checks': { type: 'string' },
  'max-params': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const TRAIN_USAGE = `usage: npm run train -- --model <preset> [--transform dense|wide|parallel|factorized|doped]
    [--sparsity s] [--method static|set|rigl] [--steps N] [--seed k] [--json out.json] [--export dir]
  more: --dataset builtin-images|builtin-text|cifar10|cifar100|text-file --data-file <path>
        --batch N --lr x --optimizer sgd|adamw --schedule constant|multistep|cosine --weight-decay x
        --update-interval N --drop-fraction x --end-fraction x --mask-init uniform|erk
        --eval-every N --eval-samples N --metrics-every N --grad-clip x
  guards: --diverge-factor x (stop when the loss stays above x times its first value; 0 = off,
        default ${defaultDivergenceRule.factor}) --diverge-checks N (for N reads in a row, default ${defaultDivergenceRule.checks})
        --max-params N (refuse larger models, default ${defaultRunLimits.maxParams})
  --debug  print the stack trace of a failure`;

type TrainValues = { [K in keyof typeof TRAIN_OPTIONS]?: string | boolean };

/**
 * What the flags must be before anything runs. RunConfig's own validator (parseRunConfig) owns
 * the ranges of its fields, so those flags are only checked to be numbers here; the rest carry
 * their full rule.
 */
export const TRAIN_RULES = {
  'data-file': { kind: 'input-file' },
  sparsity: { kind: 'number' },
  steps: { kind: 'number' },
  batch: { kind: 'number' },
  lr: { kind: 'number' },
  'weight-decay': { kind: 'number' },
  'update-interval': { kind: 'number' },
  'drop-fraction': { kind: 'number' },
  'end-fraction': { kind: 'number' },
  'eval-every': { kind: 'number' },
  'eval-samples': { kind: 'number' },
  'metrics-every': { kind: 'number' },
  'grad-clip': { kind: 'number' },
  seed: { kind: 'number' },
  json: { kind: 'output-file' },
  export: { kind: 'output-dir' },
  'diverge-factor': { kind: 'number', min: 0 },
  'diverge-checks': { kind: 'int', min: 1 },
  'max-params': { kind: 'int', min: 1 },
} as const satisfies FlagRules;

export type TrainFlags = FlagValues<typeof TRAIN_RULES>;

/** How a CLI run is guarded: divergence rule and the parameter cap (flags or defaults). */
export function guardsFromFlags(flags: TrainFlags): {
  divergence: DivergenceRule;
  maxParams: number;
} {
  const divergence: DivergenceRule = {
    factor: flags['diverge-factor'] ?? defaultDivergenceRule.factor,
    checks: flags['diverge-checks'] ?? defaultDivergenceRule.checks,
  };
  const problems = divergenceRuleProblems(divergence);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return { divergence, maxParams: flags['max-params'] ?? defaultRunLimits.maxParams };
}

/** Turn CLI flags into a validated RunConfig (preset-appropriate defaults for text models). */
export function configFromArgs(values: TrainValues): RunConfig {
  const flags = checkFlags(values, TRAIN_RULES);
  const model = String(values.model);
  const preset = getPreset(model);
  const isText = preset.task === 'language';
  const transform = parseTransformName(String(values.transform ?? 'dense'));
  const sparsity = flags.sparsity ?? (transform === 'dense' ? 0 : 0.75);
  const partial: Partial<RunConfig> = {
    model,
    transform,
    sparsity,
    method: values.method as RunConfig['method'],
    dataset:
      (values.dataset as RunConfig['dataset']) ?? (isText ? 'builtin-text' : 'builtin-images'),
    ...(isText
      ? {
          optimizer: 'adamw',
          lr: 3e-3,
          weightDecay: 0.1,
          gradClip: 1,
          warmupSteps: 10,
          batchSize: 16,
        }
      : {}),
  };
  const setIf = <K extends keyof RunConfig>(key: K, v: RunConfig[K] | undefined) => {
    if (v !== undefined) partial[key] = v;
  };
  setIf('steps', flags.steps);
  setIf('batchSize', flags.batch);
  setIf('lr', flags.lr);
  setIf('optimizer', values.optimizer as RunConfig['optimizer'] | undefined);
  setIf('schedule', values.schedule as RunConfig['schedule'] | undefined);
  setIf('weightDecay', flags['weight-decay']);
  setIf('updateInterval', flags['update-interval']);
  setIf('dropFraction', flags['drop-fraction']);
  setIf('endFraction', flags['end-fraction']);
  setIf('maskInit', values['mask-init'] as RunConfig['maskInit'] | undefined);
  setIf('evalEvery', flags['eval-every']);
  setIf('evalSamples', flags['eval-samples']);
  setIf('metricsEvery', flags['metrics-every']);
  setIf('gradClip', flags['grad-clip']);
  setIf('seed', flags.seed);
  const config = { ...defaultRunConfig, ...partial };
  // Short runs: evaluate at most ~10 times and read metrics at least at every evaluation.
  if (values['eval-every'] === undefined)
    config.evalEvery = Math.max(1, Math.ceil(config.steps / 10));
  if (values['metrics-every'] === undefined)
    config.metricsEvery = Math.max(1, Math.min(10, config.evalEvery));
  const userData = config.dataset !== 'builtin-images' && config.dataset !== 'builtin-text';
  if (userData && values['data-file'] === undefined)
    throw new UsageError(`--dataset ${config.dataset} needs --data-file <path>`);
  if (!userData && values['data-file'] !== undefined)
    throw new UsageError(
      `--data-file is for --dataset cifar10, cifar100 or text-file, not ${config.dataset}`,
    );
  return parseRunConfig(config);
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(argv, io, { name: 'train', usage: TRAIN_USAGE }, async (args) => {
    const { values } = parseArgs({ args, options: TRAIN_OPTIONS, strict: true });
    if (values.help) {
      io.out(TRAIN_USAGE + '\n');
      return 0;
    }
    const config = configFromArgs(values);
    const guards = guardsFromFlags(checkFlags(values, TRAIN_RULES));
    // The preset's own input sizes stand in for the dataset's until it is loaded; prepareRun
    // checks again with the real sizes and the adapter's limits.
    checkRunSize(config, {}, { ...defaultRunLimits, maxParams: guards.maxParams });
    const result = await runOnNode(config, io, {
      dataFile: values['data-file'],
      ...guards,
    });
    const { final } = result;
    io.out(
      `${config.model} ${config.transform} s=${config.sparsity} ${config.method}: ` +
        `train loss ${final.trainLoss.toFixed(4)}, eval loss ${final.evalLoss.toFixed(4)}` +
        (final.evalAccuracy !== undefined
          ? `, eval accuracy ${(100 * final.evalAccuracy).toFixed(2)}%`
          : '') +
        (final.evalBitsPerChar !== undefined
          ? `, eval ${final.evalBitsPerChar.toFixed(3)} bits/char`
          : '') +
        `, ${formatCount(final.trainingFlops)} training FLOPs (${formatCount(final.executedFlops)} executed), ` +
        `${final.wallSeconds.toFixed(1)} s\n`,
    );
    if (result.error)
      io.err(`train: stopped early (${result.error.code}): ${result.error.message}\n`);
    try {
      if (values.json) {
        const out = { config, history: result.history, final, error: result.error };
        await writeOutput(values.json, JSON.stringify(out, null, 2));
      }
      if (values.export) {
        const dir = values.export;
        const exported = await exportRun(result.run, true);
        const file = join(dir, 'model.safetensors');
        await writeOutput(file, exported.safetensors, { mkdirFirst: dir });
        await writeOutput(join(dir, 'config.json'), JSON.stringify(exported.config, null, 2));
        const data = await exportBuiltinData(config, dir);
        io.err(
          `exported ${file}, config.json` +
            (data.length > 0 ? ` and the data (${join(dir, 'data')})` : '') +
            '\n',
        );
      }
    } finally {
      result.run.dispose();
    }
    return result.error ? 1 : 0;
  });
}
