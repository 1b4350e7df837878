// `npm run presets [-- --json]`: every model preset with its parameters and dense forward MACs.
import { parseArgs } from 'node:util';
import { countModel } from '../flops/count';
import { PRESETS, PRESET_NAMES, presetSpec } from '../models/presets';
import { formatCount, formatTable, isEntryPoint, processIo, type CliIo } from './cli-io';
import { runCommand } from './command';

export interface PresetRow {
  name: string;
  task: string;
  description: string;
  isShapeOnly: boolean;
  params: number;
  /** Dense forward MACs per sample in the iso-FLOP budget (convs + linears, LM head excluded). */
  forwardMacs: number;
  /** Everything a forward pass costs per sample, attention scores and LM head included. */
  totalForwardMacs: number;
}

export function presetRows(): PresetRow[] {
  return PRESET_NAMES.map((name) => {
    const count = countModel(presetSpec(name));
    const preset = PRESETS[name];
    return {
      name,
      task: preset.task,
      description: preset.description,
      isShapeOnly: preset.isShapeOnly,
      params: count.paramsTotal,
      forwardMacs: count.budget.forwardMacs,
      totalForwardMacs: count.total.forwardMacs,
    };
  });
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(
    argv,
    io,
    { name: 'presets', usage: 'usage: npm run presets [-- --json]' },
    (args) => Promise.resolve(printPresets(args, io)),
  );
}

function printPresets(argv: string[], io: CliIo): number {
  const { json } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false } },
  }).values;
  const rows = presetRows();
  if (json) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  const table = formatTable(
    ['preset', 'params', 'fwd MACs', 'all fwd MACs', 'description'],
    rows.map((r) => [
      r.name,
      formatCount(r.params),
      formatCount(r.forwardMacs),
      formatCount(r.totalForwardMacs),
      r.description,
    ]),
    [0, 4],
  );
  io.out(
    table +
      '\nMACs per sample (image, or sequence at full context): "fwd" is the iso-FLOP budget ' +
      '(convs + linears; LM head excluded), "all" adds attention scores and the LM head.\n',
  );
  return 0;
}

if (isEntryPoint('presets')) process.exitCode = await main(process.argv.slice(2));
