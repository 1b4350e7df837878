// `npm run soak -- [--steps N] [--sample-every N] [--json out.json]`: a long training soak of a
// tiny MLP on Node's WebGPU (src/bench/soak.ts), printing the runtime's live-buffer counts as it
// goes and their drift at the end. A benchmark that prints numbers; it asserts nothing.
import { parseArgs } from 'node:util';
import { soak } from '../bench/soak';
import { WebGpuBackend } from '../gpu/backend';
import { createNodeRuntime } from '../gpu/node-gpu';
import { isEntryPoint, processIo, type CliIo } from './cli-io';
import { runCommand, writeOutput } from './command';
import { checkFlags } from './flags';

const USAGE = `usage: npm run soak -- [--steps N (default 10000)] [--sample-every N (default 1000)]
    [--json out.json] [--debug]`;

const OPTIONS = {
  steps: { type: 'string', default: '10000' },
  'sample-every': { type: 'string', default: '1000' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const RULES = {
  steps: { kind: 'int', min: 10, max: 1_000_000 },
  'sample-every': { kind: 'int', min: 10 },
  json: { kind: 'output-file' },
} as const;

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  return runCommand(argv, io, { name: 'soak', usage: USAGE }, async (args) => {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true });
    if (values.help) {
      io.out(USAGE + '\n');
      return 0;
    }
    const flags = checkFlags(values, RULES);
    const steps = flags.steps ?? 10_000;
    const rt = await createNodeRuntime();
    try {
      io.out(`soak: ${steps} steps of a 16-32-4 MLP (batch 8, SGD) on ${rt.adapterName}\n`);
      const t0 = performance.now();
      const result = await soak(new WebGpuBackend(rt), {
        steps,
        sampleEvery: flags['sample-every'] ?? 1000,
        log: (line) => io.out(`  ${line}\n`),
      });
      const seconds = (performance.now() - t0) / 1000;
      io.out(
        `${steps} steps in ${seconds.toFixed(1)} s; ${result.snapshots} recovery snapshots; ` +
          `after the first sample: live-buffer drift ${result.liveBufferDrift}, live-bytes drift ` +
          `${result.liveBytesDrift}, created ${result.createdAfterWarmup.buffers} buffers, ` +
          `${result.createdAfterWarmup.bindGroups} bind groups, ${result.createdAfterWarmup.pipelines} pipelines\n`,
      );
      if (values.json)
        await writeOutput(values.json, JSON.stringify({ seconds, ...result }, null, 2));
      return 0;
    } finally {
      rt.destroy();
    }
  });
}

if (isEntryPoint('soak')) process.exitCode = await main(process.argv.slice(2));
