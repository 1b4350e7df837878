// `node dist-cli/main.js selfcheck [--only TEXT] [--json out.json]`: one training step of every
// model/transform/kernel-path case (src/train/step-check.ts) on this machine's WebGPU adapter
// against the float64 CPU reference. The first thing to run on a new GPU: the unit tests prove
// the kernels on SwiftShader, this proves them on the adapter the figures will come from.
// Exit code 1 when any case deviates past the tolerance.
import { parseArgs } from 'node:util';
import { nodeDataFiles } from '../data/builtin-node';
import { WebGpuBackend } from '../gpu/backend';
import { createNodeRuntime } from '../gpu/node-gpu';
import { webGpuRunParts } from '../gpu/run-parts';
import { runStepCheck, STEP_CHECK_TOLERANCE, stepCheckCases } from '../train/step-check';
import { formatTable, isEntryPoint, processIo, UsageError, type CliIo } from './cli-io';
import { runCommand, writeOutput } from './command';
import { checkFlags } from './flags';

const USAGE = `usage: main selfcheck [--only TEXT (cases whose label contains it)] [--json out.json]
    [--debug]`;

const OPTIONS = {
  only: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const RULES = { json: { kind: 'output-file' } } as const;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(argv, io, { name: 'selfcheck', usage: USAGE }, async (args) => {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true });
    if (values.help) {
      io.out(USAGE + '\n');
      return 0;
    }
    checkFlags(values, RULES);
    const cases = stepCheckCases().filter((c) => !values.only || c.label.includes(values.only));
    if (cases.length === 0) throw new UsageError(`--only ${values.only} matches no case`);
    const rt = await createNodeRuntime();
    try {
      const parts = webGpuRunParts(new WebGpuBackend(rt));
      io.out(`selfcheck on ${rt.adapterName}: one step per case against the CPU reference\n`);
      const rows: { label: string; worst: number; tensor: string; pass: boolean }[] = [];
      for (const c of cases) {
        const { deviations } = await runStepCheck(c, parts, { read: nodeDataFiles() });
        const worst = deviations[0];
        const row = {
          label: c.label,
          worst: worst.relative,
          tensor: worst.name,
          pass: worst.relative < STEP_CHECK_TOLERANCE,
        };
        rows.push(row);
        io.out(`  ${row.pass ? 'ok  ' : 'FAIL'} ${c.label}\n`);
      }
      io.out(
        formatTable(
          ['case', 'worst deviation', 'tensor', 'result'],
          rows.map((r) => [r.label, r.worst.toExponential(2), r.tensor, r.pass ? 'ok' : 'FAIL']),
          [0, 2, 3],
        ) + `\n(relative to each tensor's reference update; tolerance ${STEP_CHECK_TOLERANCE})\n`,
      );
      if (values.json) {
        const json = { adapter: rt.adapterName, tolerance: STEP_CHECK_TOLERANCE, cases: rows };
        await writeOutput(values.json, JSON.stringify(json, null, 2));
      }
      return rows.every((r) => r.pass) ? 0 : 1;
    } finally {
      rt.destroy();
    }
  });
}

if (isEntryPoint('selfcheck')) process.exitCode = await main(process.argv.slice(2));
