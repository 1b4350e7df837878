// `npm run flops -- --model <preset> --transform <t> --sparsity <s> [--json]`: per-layer table
// and totals of a planned model (theoretical, executed and dense MACs; parameters; training
// FLOPs per step; memory), or the same as one JSON object.
import { parseArgs } from 'node:util';
import { isSiftError } from '../common/errors';
import { maskedDenseKernel, zeroSkippingKernel, type ExecutedMacsModel } from '../flops/count';
import type { OptimizerKind } from '../flops/memory';
import { presetSpec, PRESET_NAMES } from '../models/presets';
import { toSparsity } from '../spec/sparsity';
import { plan } from '../sparse/transforms/plan';
import { planReport, type FlopsReport } from '../sparse/transforms/report';
import { parseTransformName, TRANSFORM_SHORT_NAMES } from '../sparse/transforms/types';
import {
  formatBytes,
  formatCount,
  formatTable,
  isEntryPoint,
  processIo,
  UsageError,
  type CliIo,
} from './cli-io';
import { runCommand } from './command';
import { checkFlags, type FlagRules } from './flags';

const KERNELS: Record<string, ExecutedMacsModel> = {
  'masked-dense': maskedDenseKernel,
  'zero-skipping': zeroSkippingKernel,
};
const OPTIMIZERS: readonly OptimizerKind[] = ['sgd', 'sgd-momentum', 'adamw'];

const USAGE = `usage: npm run flops -- --model <preset> [--transform <t>] [--sparsity <s>] [--json]
  --model       ${PRESET_NAMES.join(' | ')}
  --transform   ${Object.keys(TRANSFORM_SHORT_NAMES).join(' | ')} (or sparse-wide, ...; default dense)
  --sparsity    s in [0, 1) (default 0)
  --kernel      masked-dense | zero-skipping: what "executed" counts (default masked-dense)
  --batch       batch size for training FLOPs and memory (default 1)
  --optimizer   ${OPTIMIZERS.join(' | ')} (default: sgd-momentum for images, adamw for text)
  --classes N, --image-size N, --channels N, --vocab N, --context N: dataset overrides
  --json        print one JSON object instead of the table`;

const OPTIONS = {
  model: { type: 'string' },
  transform: { type: 'string', default: 'dense' },
  sparsity: { type: 'string', default: '0' },
  kernel: { type: 'string', default: 'masked-dense' },
  batch: { type: 'string' },
  optimizer: { type: 'string' },
  classes: { type: 'string' },
  'image-size': { type: 'string' },
  channels: { type: 'string' },
  vocab: { type: 'string' },
  context: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Number ranges the planner owns (toSparsity) are only checked to be numbers here. */
const FLOPS_RULES = {
  sparsity: { kind: 'number' },
  kernel: { kind: 'choice', values: Object.keys(KERNELS) },
  optimizer: { kind: 'choice', values: OPTIMIZERS },
  batch: { kind: 'int', min: 1 },
  classes: { kind: 'int', min: 1 },
  'image-size': { kind: 'int', min: 1 },
  channels: { kind: 'int', min: 1 },
  vocab: { kind: 'int', min: 1 },
  context: { kind: 'int', min: 1 },
} as const satisfies FlagRules;

function buildReport(argv: string[]): { report: FlopsReport; asJson: boolean } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  if (!values.model) throw new UsageError('--model is required');
  const flags = checkFlags(values, FLOPS_RULES);
  const spec = presetSpec(values.model, {
    numClasses: flags.classes,
    imageSize: flags['image-size'],
    inChannels: flags.channels,
    vocabSize: flags.vocab,
    contextLength: flags.context,
  });
  const p = plan(spec, parseTransformName(values.transform), toSparsity(flags.sparsity ?? 0));
  const report = planReport(p, {
    executed: KERNELS[values.kernel],
    batchSize: flags.batch ?? 1,
    optimizer: flags.optimizer as OptimizerKind | undefined,
  });
  return { report, asJson: values.json };
}

function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** The human-readable form of a report: per-layer table, then totals. */
export function formatReport(r: FlopsReport): string {
  const rows = r.layers.map((l) => [
    l.name,
    l.summary,
    formatCount(l.denseMacs),
    formatCount(l.forwardMacs),
    formatCount(l.executedMacs),
    formatCount(l.params),
    formatCount(l.activeParams),
  ]);
  const header = ['layer', 'becomes', 'dense MACs', 'theoretical', 'executed', 'params', 'active'];
  const lines = [
    `${r.model}, ${r.transform} at s = ${r.sparsity}` +
      (r.bodySparsity !== r.sparsity
        ? ` (sparse layers re-solved to s = ${r.bodySparsity.toFixed(4)})`
        : ''),
  ];
  if (r.wide) {
    lines.push(
      `width ${r.wide.widthFrom} -> ${r.wide.widthTo} (k = ${r.wide.scale.toFixed(4)}); ` +
        `sparsity nominal ${r.wide.nominalSparsity}, re-solved ${r.wide.resolvedSparsity.toFixed(4)}`,
    );
  }
  lines.push('', formatTable(header, rows, [0, 1]), '');
  lines.push(
    `forward MACs (iso-FLOP budget, per sample): ${formatCount(r.forwardMacs)} theoretical, ` +
      `${formatCount(r.executedForwardMacs)} executed; dense ${formatCount(r.denseForwardMacs)}`,
    `ratio to dense: ${r.ratio.toFixed(4)} theoretical, ${r.executedRatio.toFixed(4)} executed`,
  );
  if (r.outsideBudget.denseForwardMacs > 0) {
    lines.push(
      `outside the budget (attention scores ${formatCount(r.outsideBudget.attentionMacs)}, ` +
        `LM head): ${formatCount(r.outsideBudget.forwardMacs)} (dense model ` +
        `${formatCount(r.outsideBudget.denseForwardMacs)})`,
    );
  }
  const t = r.training;
  lines.push(
    `params: ${formatCount(r.paramsTotal)} total, ${formatCount(r.paramsActive)} active ` +
      `(${percent(r.paramsActive / r.paramsTotal)}); dense model ${formatCount(r.denseParamsTotal)}`,
    `training FLOPs per step (batch ${t.batchSize}): ${formatCount(t.step.theoreticalFlops)} theoretical, ` +
      `${formatCount(t.step.executedFlops)} executed; RigL update step ` +
      `${formatCount(t.rigLUpdateStep.theoreticalFlops)}; dense ${formatCount(t.denseStep.theoreticalFlops)}`,
    `memory (batch ${r.memory.batchSize}, ${r.memory.optimizer}, rough): ${formatBytes(r.memory.totalBytes)} ` +
      `= params ${formatBytes(r.memory.parameterBytes)} + grads ${formatBytes(r.memory.gradientBytes)} + ` +
      `optimizer ${formatBytes(r.memory.optimizerStateBytes)} + masks ${formatBytes(r.memory.maskBytes)} + ` +
      `activations ${formatBytes(r.memory.activationBytes)}`,
    'MACs count convs and linears only (norms, activations, pooling, adds and biases excluded).',
  );
  return lines.join('\n') + '\n';
}

/** Runs the command; returns the exit code (0 ok, 2 bad arguments, 1 unexpected failure). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(argv, io, { name: 'flops', usage: USAGE }, async (args) => {
    let result: ReturnType<typeof buildReport>;
    try {
      result = buildReport(args);
    } catch (e) {
      // Every input here is a flag: a value the planner rejects is a usage mistake.
      if (isSiftError(e) && e.code === 'INVALID_ARGUMENT') throw new UsageError(e.message);
      throw e;
    }
    if (result === 'help') {
      io.out(USAGE + '\n');
      return 0;
    }
    io.out(
      result.asJson ? JSON.stringify(result.report, null, 2) + '\n' : formatReport(result.report),
    );
    return 0;
  });
}

if (isEntryPoint('flops')) process.exitCode = await main(process.argv.slice(2));
