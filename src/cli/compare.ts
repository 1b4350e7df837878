// `npm run compare -- --model <preset> --sparsity s --steps N [--transforms dense,wide,...]
//   [--json out.json]`: the same run under several transforms, one after another on the same
// seed and data. Iso-FLOP transforms at equal steps spend the same training FLOPs as dense, which
// the table shows next to the final metric, parameters and wall time.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isSiftError } from '../common/errors';
import { parseTransformName } from '../sparse/transforms/types';
import { formatCount, formatTable, processIo, UsageError, type CliIo } from './cli-io';
import { runOnNode, type NodeRunResult } from './run-node';
import { configFromArgs, TRAIN_OPTIONS } from './train';

const OPTIONS = {
  ...TRAIN_OPTIONS,
  transforms: { type: 'string', default: 'dense,wide,parallel,factorized,doped' },
} as const;

const USAGE = `usage: npm run compare -- --model <preset> [--sparsity s] [--steps N] [--method rigl]
    [--transforms dense,wide,parallel,factorized,doped] [--json out.json] (and every train option)`;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
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
  let configs;
  try {
    const transforms = String(values.transforms)
      .split(',')
      .map((t) => parseTransformName(t.trim()));
    configs = transforms.map((t) => {
      const c = configFromArgs({ ...values, transform: t });
      // Dense is the iso-FLOP baseline: the untransformed model at s = 0.
      return t === 'dense' ? { ...c, sparsity: 0 } : c;
    });
  } catch (e) {
    if (e instanceof UsageError || isSiftError(e)) {
      io.err(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const results: NodeRunResult[] = [];
  for (const config of configs) {
    io.err(`${config.transform} s=${config.sparsity}\n`);
    const evalSamples = values['eval-samples'] ? Number(values['eval-samples']) : undefined;
    const r = await runOnNode(config, io, {
      dataFile: values['data-file'] as string | undefined,
      evalSamples,
    });
    r.run.dispose();
    results.push(r);
  }
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
    error ? 'stopped: NaN' : '',
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
  if (values.json) {
    await writeFile(
      String(values.json),
      JSON.stringify(
        results.map(({ config, final, history, error }) => ({ config, final, history, error })),
        null,
        2,
      ),
    );
  }
  return 0;
}
