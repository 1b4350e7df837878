// `npm run compare -- --model <preset> --sparsity s --steps N [--transforms dense,wide,...]
//   [--json out.json]`: the same run under several transforms, one after another on the same
// seed and data. Iso-FLOP transforms at equal steps spend the same training FLOPs as dense, which
// the table shows next to the final metric, parameters and wall time. Every run's flags are
// checked before the first one starts; a run that diverges is marked and the command exits 1.
import { parseArgs } from 'node:util';
import { defaultRunLimits } from '../flops/limits';
import { parseTransformName } from '../sparse/transforms/types';
import { checkRunSize } from '../train/setup';
import { formatCount, formatTable, processIo, type CliIo } from './cli-io';
import { runCommand, writeOutput } from './command';
import { checkFlags } from './flags';
import { runOnNode, type NodeRunResult } from './run-node';
import { configFromArgs, guardsFromFlags, TRAIN_OPTIONS, TRAIN_RULES } from './train';

const OPTIONS = {
  ...TRAIN_OPTIONS,
  transforms: { type: 'string', default: 'dense,wide,parallel,factorized,doped' },
} as const;

const USAGE = `usage: npm run compare -- --model <preset> [--sparsity s] [--steps N] [--method rigl]
    [--transforms dense,wide,parallel,factorized,doped] [--json out.json] (and every train option)`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(argv, io, { name: 'compare', usage: USAGE }, async (args) => {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true });
    if (values.help) {
      io.out(USAGE + '\n');
      return 0;
    }
    const transforms = values.transforms.split(',').map((t) => parseTransformName(t.trim()));
    const configs = transforms.map((t) => {
      const c = configFromArgs({ ...values, transform: t });
      // Dense is the iso-FLOP baseline: the untransformed model at s = 0.
      return t === 'dense' ? { ...c, sparsity: 0 } : c;
    });
    const guards = guardsFromFlags(checkFlags(values, TRAIN_RULES));
    const limits = { ...defaultRunLimits, maxParams: guards.maxParams };
    for (const config of configs) checkRunSize(config, {}, limits);
    const results: NodeRunResult[] = [];
    for (const config of configs) {
      io.err(`${config.transform} s=${config.sparsity}\n`);
      const r = await runOnNode(config, io, { dataFile: values['data-file'], ...guards });
      r.run.dispose();
      if (r.error)
        io.err(
          `compare: ${config.transform} stopped early (${r.error.code}): ${r.error.message}\n`,
        );
      results.push(r);
    }
    return report(results, values.json, io);
  });
}

async function report(
  results: NodeRunResult[],
  json: string | undefined,
  io: CliIo,
): Promise<number> {
  const isText = results[0].final.evalBitsPerChar !== undefined;
  const rows = results.map(({ config, final, error }) => [
    config.transform,
    String(config.sparsity),
    isText ? final.evalBitsPerChar!.toFixed(3) : `${(100 * final.evalAccuracy!).toFixed(2)}%`,
    final.evalLoss.toFixed(4),
    formatCount(final.trainingFlops),
    formatCount(final.executedFlops),
    formatCount(final.paramsTotal),
    formatCount(final.paramsActive),
    `${final.wallSeconds.toFixed(1)} s`,
    error ? `stopped: ${error.code === 'DIVERGED' ? 'diverged' : 'NaN'}` : '',
  ]);
  io.out(
    formatTable(
      [
        'transform',
        's',
        isText ? 'eval bits/char' : 'eval acc',
        'eval loss',
        'train FLOPs',
        'executed',
        'params',
        'active',
        'wall',
        '',
      ],
      rows,
      [0, 9],
    ) + '\n',
  );
  if (json) {
    await writeOutput(
      json,
      JSON.stringify(
        results.map(({ config, final, history, error }) => ({ config, final, history, error })),
        null,
        2,
      ),
    );
  }
  return results.some((r) => r.error) ? 1 : 0;
}
