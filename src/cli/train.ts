// `npm run train -- --model <preset> --transform <t> --sparsity <s> --method static|set|rigl
//   --steps N [--seed k] [--json out.json] [--export dir]`: one run on Node's WebGPU.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isSiftError } from '../common/errors';
import { exportRun } from '../io/checkpoint';
import { getPreset } from '../models/presets';
import { defaultRunConfig, parseRunConfig, type RunConfig } from '../spec/run-config';
import { parseTransformName } from '../sparse/transforms/types';
import { formatCount, processIo, UsageError, type CliIo } from './cli-io';
import { exportBuiltinData } from './export-data';
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
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const TRAIN_USAGE = `usage: npm run train -- --model <preset> [--transform dense|wide|parallel|factorized|doped]
    [--sparsity s] [--method static|set|rigl] [--steps N] [--seed k] [--json out.json] [--export dir]
  more: --dataset builtin-images|builtin-text|cifar10|cifar100|text-file --data-file <path>
        --batch N --lr x --optimizer sgd|adamw --schedule constant|multistep|cosine --weight-decay x
        --update-interval N --drop-fraction x --end-fraction x --mask-init uniform|erk
        --eval-every N --eval-samples N --metrics-every N --grad-clip x`;

type TrainValues = { [K in keyof typeof TRAIN_OPTIONS]?: string | boolean };

function num(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${flag} must be a number, got "${text}"`);
  return n;
}

/** Turn CLI flags into a validated RunConfig (preset-appropriate defaults for text models). */
export function configFromArgs(values: TrainValues): RunConfig {
  const model = String(values.model);
  const preset = getPreset(model);
  const isText = preset.task === 'language';
  const transform = parseTransformName(String(values.transform ?? 'dense'));
  const sparsity =
    num('sparsity', values.sparsity as string | undefined) ?? (transform === 'dense' ? 0 : 0.75);
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
  setIf('steps', num('steps', values.steps as string | undefined));
  setIf('batchSize', num('batch', values.batch as string | undefined));
  setIf('lr', num('lr', values.lr as string | undefined));
  setIf('optimizer', values.optimizer as RunConfig['optimizer'] | undefined);
  setIf('schedule', values.schedule as RunConfig['schedule'] | undefined);
  setIf('weightDecay', num('weight-decay', values['weight-decay'] as string | undefined));
  setIf('updateInterval', num('update-interval', values['update-interval'] as string | undefined));
  setIf('dropFraction', num('drop-fraction', values['drop-fraction'] as string | undefined));
  setIf('endFraction', num('end-fraction', values['end-fraction'] as string | undefined));
  setIf('maskInit', values['mask-init'] as RunConfig['maskInit'] | undefined);
  setIf('evalEvery', num('eval-every', values['eval-every'] as string | undefined));
  setIf('metricsEvery', num('metrics-every', values['metrics-every'] as string | undefined));
  setIf('gradClip', num('grad-clip', values['grad-clip'] as string | undefined));
  setIf('seed', num('seed', values.seed as string | undefined));
  const config = { ...defaultRunConfig, ...partial };
  // Short runs: evaluate at most ~10 times and read metrics at least at every evaluation.
  if (values['eval-every'] === undefined)
    config.evalEvery = Math.max(1, Math.ceil(config.steps / 10));
  if (values['metrics-every'] === undefined)
    config.metricsEvery = Math.max(1, Math.min(10, config.evalEvery));
  return parseRunConfig(config);
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let values: TrainValues;
  try {
    ({ values } = parseArgs({ args: argv, options: TRAIN_OPTIONS, strict: true }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${TRAIN_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(TRAIN_USAGE + '\n');
    return 0;
  }
  let config: RunConfig;
  try {
    config = configFromArgs(values);
  } catch (e) {
    if (e instanceof UsageError || isSiftError(e)) {
      io.err(`${e.message}\n${TRAIN_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  try {
    const evalSamples = num('eval-samples', values['eval-samples'] as string | undefined);
    const result = await runOnNode(config, io, {
      dataFile: values['data-file'] as string | undefined,
      evalSamples,
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
    if (result.error) io.err(`stopped early: ${result.error.message}\n`);
    if (values.json) {
      const out = { config, history: result.history, final, error: result.error };
      await writeFile(String(values.json), JSON.stringify(out, null, 2));
    }
    if (values.export) {
      const dir = String(values.export);
      await mkdir(dir, { recursive: true });
      const exported = await exportRun(result.run, true);
      await writeFile(join(dir, 'model.safetensors'), exported.safetensors);
      await writeFile(join(dir, 'config.json'), JSON.stringify(exported.config, null, 2));
      const data = await exportBuiltinData(config, dir);
      io.err(
        `exported ${join(dir, 'model.safetensors')}, config.json` +
          (data.length > 0 ? ` and the data (${join(dir, 'data')})` : '') +
          '\n',
      );
    }
    result.run.dispose();
    return result.error ? 1 : 0;
  } catch (e) {
    if (isSiftError(e)) {
      io.err(`error (${e.code}): ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
